import SampoCore
import SampoDiagnostics
import Foundation

/// log Ẑ from independent estimates Ẑ_1 … Ẑ_R (SMC runs, PT chains): the log of their mean (Ẑ̄
/// is unbiased when each Ẑ_r is), and its standard error between runs by the delta method,
/// SE(log Ẑ̄) ≈ sd(Ẑ_r) / (√R · Ẑ̄), computed relative to the largest so nothing overflows.
/// When each run also has a standard error of its own, a single run's is reported as the SE, and
/// several runs are tested for agreement (`AgreementTest`): runs that disagree beyond their own
/// errors make `warning` say so, and the SE is the spread between them, never the runs' own.
public struct LogNormalizerEstimate: Sendable, Equatable {
    public let logZ: Double
    /// Between runs with two or more; a single run's own error; nil when there is neither.
    public let standardError: Double?
    public let runs: Int
    /// How `standardError` was estimated: "between runs", or the single run's method.
    public let method: String?
    /// The runs' log Ẑ against their own standard errors (when every run has one).
    public let agreement: AgreementTest?

    /// nil when there is no finite estimate. `standardErrors` (one per estimate, nil where a run
    /// has none) and `method` describe the runs' own errors.
    public init?(_ logZs: [Double], standardErrors: [Double?] = [], method runMethod: String? = nil) {
        let finite = logZs.indices.filter { logZs[$0].isFinite }
        let z = finite.map { logZs[$0] }
        guard let m = z.max() else { return nil }
        let w = z.map { exp($0 - m) }
        let mean = w.reduce(0, +) / Double(w.count)
        logZ = m + log(mean)
        runs = z.count
        let own = standardErrors.count == logZs.count ? finite.compactMap { standardErrors[$0] } : []
        if z.count >= 2 {
            let variance = w.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(w.count - 1)
            standardError = variance.squareRoot() / (Double(w.count).squareRoot() * mean)
            method = "between runs"
            agreement = own.count == z.count ? AgreementTest(estimates: z, standardErrors: own) : nil
        } else {
            standardError = own.first
            method = own.first == nil ? nil : runMethod
            agreement = nil
        }
    }

    /// Two-sided level below which a known log Z is called outside the estimate's error.
    public static let knownValueLevel = 1e-4

    /// Set when the target's log Z is known (a normalised benchmark) and lies outside this
    /// estimate's error: Student's t with runs − 1 degrees of freedom for an error between runs,
    /// normal for a run's own, at two-sided `knownValueLevel`.
    public func warning(knownLogZ truth: Double?) -> String? {
        guard let truth, let se = standardError, se > 0 else { return nil }
        let t = (logZ - truth) / se
        let p = runs > 1 ? AgreementTest.twoSidedStudentP(t, degreesOfFreedom: runs - 1) : AgreementTest.twoSidedNormalP(t)
        guard p < Self.knownValueLevel else { return nil }
        return String(format: "log Ẑ = %.4f ± %.4f, but this target's log Z is %.4f (%.1f standard errors, p = %.1g): ", logZ, se, truth, t, p)
            + "the estimate and its error are not to be trusted (a mode missed by every run, or too few particles)"
    }

    /// Set when the runs disagree beyond their own standard errors.
    public func warning(runsCalled what: String = "runs") -> String? {
        guard let a = agreement, a.disagrees else { return nil }
        return "the \(runs) \(what)' log Ẑ disagree beyond their own standard errors (\(a.description)): "
            + "some \(what) have probably missed part of the target (a mode); the standard error given is the spread between them"
    }
}

extension LogNormalizerEstimate {
    /// From the chains of a Markov run whose kernel reports log Ẑ (parallel tempering: stepping
    /// stones, with a batch-means standard error per chain); nil when none does.
    public init?(outcomes: [ChainOutcome]) {
        let reporting = outcomes.compactMap { $0.report?.tempering }.filter { $0.logZ != nil }
        self.init(reporting.compactMap(\.logZ), standardErrors: reporting.map(\.logZStandardError),
                  method: "batch means over the scans")
    }
}
