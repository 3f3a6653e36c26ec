/// Exact counts of target evaluations, so samplers can be compared at equal oracle budgets.
/// A joint log-density-and-gradient call counts as one gradient evaluation.
public struct OracleCounts: Sendable, Equatable {
    public var gradientEvaluations = 0
    public var densityEvaluations = 0
    public init(gradientEvaluations: Int = 0, densityEvaluations: Int = 0) {
        self.gradientEvaluations = gradientEvaluations
        self.densityEvaluations = densityEvaluations
    }

    /// These counts with each gradient call charged at `cost` (see `LogDensity.costOfGradientCall`).
    public func charged(gradientCallsAt cost: OracleCounts) -> OracleCounts {
        OracleCounts(gradientEvaluations: gradientEvaluations * cost.gradientEvaluations,
                     densityEvaluations: densityEvaluations + gradientEvaluations * cost.densityEvaluations)
    }

    public static func + (a: OracleCounts, b: OracleCounts) -> OracleCounts {
        OracleCounts(gradientEvaluations: a.gradientEvaluations + b.gradientEvaluations,
                     densityEvaluations: a.densityEvaluations + b.densityEvaluations)
    }
}
