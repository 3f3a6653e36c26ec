/// The warm-up parameters of the samplers that adapt a metric (HMC, NUTS): which inverse metric
/// and the acceptance statistic dual averaging aims for.
public struct WarmupSettings: SamplerSettings, Equatable {
    public static let metric = ParameterKey<MetricKind>.choice("metric", .diag,
        "inverse metric adapted in warm-up: diag (regularised variances), dense (covariance), fisher-diag (√(var x / var ∇log π)), fisher-dense (Σ with Σ Cov(∇log π) Σ = Cov(x)), unit (none)")
    public static let delta = ParameterKey<Double>.fraction("delta", 0.8, in: 0, 1, "acceptance statistic the warm-up's dual averaging aims for")
    public static let specs = [metric.spec, delta.spec]

    public var metric: MetricKind
    public var delta: Double

    public init(_ p: SamplerParameters) {
        metric = p[Self.metric]
        delta = p[Self.delta]
    }
}
