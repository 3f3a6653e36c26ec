/// Which inverse metric warm-up adapts: `diag` (regularised variances, Stan's default), `dense`
/// (regularised covariance) or `unit` (none). The one spelling of the choice, for the registry,
/// the Swift API, reports and warm-up alike.
public enum MetricKind: String, Sendable, CaseIterable {
    case diag, dense, unit
}
