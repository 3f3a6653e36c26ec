/// Which inverse metric warm-up adapts: `diag` (regularised variances, Stan's default), `dense`
/// (regularised covariance), `fisher-diag`, `fisher-lowrank` and `fisher-dense` (fitted from the
/// draws and their gradients by minimising Fisher divergence, as nutpie's) or `unit` (none). The one spelling of the
/// choice, for the registry, the Swift API, reports and warm-up alike.
public enum MetricKind: String, Sendable, CaseIterable {
    case diag, dense, unit
    case fisherDiag = "fisher-diag"
    case fisherDense = "fisher-dense"
    case fisherLowRank = "fisher-lowrank"

    /// Whether the adapted metric is a full matrix.
    public var isDense: Bool { self == .dense || self == .fisherDense }
    /// Whether its fit needs the gradients at the window's draws.
    public var usesGradients: Bool { self == .fisherDiag || self == .fisherDense || self == .fisherLowRank }
    /// Whether its fit needs the window's draws themselves, not only their running moments.
    public var keepsDraws: Bool { self == .fisherLowRank }
}
