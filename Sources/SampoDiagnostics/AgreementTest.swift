import SampoCore
import CGSL
import Foundation

/// Do independent estimates of one quantity (per chain, per run) agree within their standard
/// errors? Cochran's test of homogeneity: Q = Σ_c (x_c − x̄)²/se_c² with x̄ the inverse-variance
/// weighted mean; under agreement Q ~ χ² with C − 1 degrees of freedom. Tempering that leaves a
/// mode to some chains, or chains that each stay in one mode, show up here as a tiny p-value while
/// each chain's own standard error looks small.
public struct AgreementTest: Sendable, Equatable {
    public let statistic: Double
    public let degreesOfFreedom: Int
    /// P(χ²_{C−1} ≥ Q).
    public let pValue: Double

    /// Below this p-value the estimates are called inconsistent (one test in a thousand of
    /// agreeing estimates is flagged).
    public static let threshold = 0.001

    /// nil with fewer than two estimates, or any that is not finite. A standard error below
    /// `floor` (e.g. a chain that never left one mode has a constant series) counts as `floor`.
    public init?(estimates x: [Double], standardErrors se: [Double], floor: Double = 0) {
        guard x.count >= 2, x.count == se.count, x.allSatisfy(\.isFinite), se.allSatisfy({ !$0.isNaN }) else { return nil }
        let s = se.map { max($0, floor) }
        degreesOfFreedom = x.count - 1
        if x.allSatisfy({ $0 == x[0] }) {
            statistic = 0; pValue = 1
            return
        }
        guard s.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            // Different values that each claim no error at all: they cannot all be right.
            statistic = .infinity; pValue = 0
            return
        }
        let w = s.map { 1 / ($0 * $0) }
        let mean = zip(w, x).reduce(0) { $0 + $1.0 * $1.1 } / w.reduce(0, +)
        statistic = zip(w, x).reduce(0) { $0 + $1.0 * ($1.1 - mean) * ($1.1 - mean) }
        GSL.configure()
        pValue = gsl_cdf_chisq_Q(statistic, Double(degreesOfFreedom))
    }

    /// P(|N(0, 1)| ≥ |z|), for one estimate against a known value.
    public static func twoSidedNormalP(_ z: Double) -> Double { GSL.configure(); return z.isNaN ? 1 : 2 * gsl_cdf_ugaussian_Q(abs(z)) }

    /// P(|T| ≥ |t|) for Student's t with `df` degrees of freedom (an error estimated from df + 1 runs).
    public static func twoSidedStudentP(_ t: Double, degreesOfFreedom df: Int) -> Double {
        GSL.configure()
        return t.isNaN || df < 1 ? 1 : 2 * gsl_cdf_tdist_Q(abs(t), Double(df))
    }

    /// Whether the estimates disagree beyond their standard errors.
    public var disagrees: Bool { pValue < Self.threshold }

    /// "χ² = 41.2 on 3 degrees of freedom, p = 6e-09".
    public var description: String {
        String(format: "χ² = %.3g on %d degrees of freedom, p = %.2g", statistic, degreesOfFreedom, pValue)
    }
}
