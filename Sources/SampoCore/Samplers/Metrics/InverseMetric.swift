/// The inverse metric M⁻¹ of Hamiltonian Monte Carlo (the covariance the momentum's kinetic
/// energy ½ pᵀM⁻¹p is scaled by; ideally close to the target's covariance).
public enum InverseMetric: Sendable, Equatable {
    /// M⁻¹ = I.
    case unit
    /// M⁻¹ = diag(values).
    case diagonal([Double])
    /// M⁻¹ a symmetric positive-definite d × d matrix, row-major.
    case dense([Double])
    /// M⁻¹ = D(I + Σ (λᵢ − 1) uᵢuᵢᵀ)D, a diagonal with k ≪ d corrections (fitted by `fisher-lowrank`).
    case lowRank(LowRankMetric)

    /// Which kind of metric it is (the one spelling, `MetricKind`).
    public var kind: MetricKind {
        switch self {
        case .unit: return .unit
        case .diagonal: return .diag
        case .dense: return .dense
        case .lowRank: return .fisherLowRank
        }
    }

    /// The numbers that define it (empty for the unit metric; d for diag; d² row-major for dense;
    /// σ², the diagonal part, for low rank, whose eigenpairs are in `lowRank`).
    public var values: [Double] {
        switch self {
        case .unit: return []
        case .diagonal(let v), .dense(let v): return v
        case .lowRank(let m): return m.variances
        }
    }

    /// The low-rank part, when there is one.
    public var lowRank: LowRankMetric? { if case .lowRank(let m) = self { return m } else { return nil } }
}
