import SampoCore
import SampoDiagnostics
import Foundation

/// How often each chain of a Markov run on a mixture is in each mode (the component most
/// responsible for the draw), with a Monte Carlo standard error from the ESS of the chain's
/// indicator series, and whether the chains agree (`AgreementTest` per mode). Chains that each
/// stay in one mode, or tempering that leaves a mode to some chains only, look precise chain by
/// chain; here they disagree.
public struct ModeOccupancy: Sendable {
    /// fractions[c][k]: chain c's fraction of draws in mode k; standardErrors likewise.
    public let fractions: [[Double]]
    public let standardErrors: [[Double]]
    /// One test per mode of the chains against each other (nil where it could not be made: one chain).
    public let tests: [AgreementTest?]
    /// The pooled fraction of each mode (chains of equal length weigh equally), its standard error
    /// (from the chains' own), and the target's weight of the mode when it is known.
    public let pooled: [Double]
    public let pooledStandardErrors: [Double]
    public let knownWeights: [Double]?
    /// Labels per chain are thinned evenly to at most this many (a thinned chain is still a chain).
    public static let seriesCap = 100_000

    /// From each chain's sequence of mode labels (0..<modes); `knownWeights`: the target's.
    public init?(labels: [[Int32]], modes: Int, knownWeights: [Double]? = nil) {
        guard !labels.isEmpty, modes >= 2, labels.allSatisfy({ $0.count >= 4 }) else { return nil }
        // One mode at a time: its indicator series of every chain, built once for the chains' own
        // errors and the pooled one.
        let c = Double(labels.count)
        // A chain that never left (or never entered) a mode has a constant series: its error is
        // taken as half a draw's share rather than zero.
        let floor = 0.5 / Double(labels.map(\.count).max() ?? 1)
        var fractions = labels.map { _ in [Double](repeating: 0, count: modes) }, errors = fractions
        var pooledErrors = [Double](repeating: 0, count: modes)
        for k in 0..<modes {
            let indicators = labels.map { $0.map { $0 == Int32(k) ? 1.0 : 0.0 } }
            for (chain, indicator) in indicators.enumerated() {
                let p = indicator.reduce(0, +) / Double(indicator.count)
                let ess = (try? EffectiveSampleSize.geyer([indicator])).flatMap { $0 } ?? Double(indicator.count)
                fractions[chain][k] = p
                errors[chain][k] = (p * (1 - p) / max(ess, 1)).squareRoot()
            }
            // The pooled error is the MCSE of a mean as the summaries give it (the ESS of the split
            // chains, which grows the error when chains disagree); the chains' own errors combined
            // were 1.2× too small for RWM on lau-gmm (Σz² = 58 over 10 seeds × 5 modes).
            let p = fractions.reduce(0) { $0 + $1[k] } / c
            if let ess = (try? EffectiveSampleSize.mean(indicators)).flatMap({ $0 }), ess > 0 {
                pooledErrors[k] = max((p * (1 - p) / ess).squareRoot(), floor / c.squareRoot())
            } else {
                pooledErrors[k] = errors.reduce(0) { $0 + max($1[k], floor) * max($1[k], floor) }.squareRoot() / c
            }
        }
        self.fractions = fractions
        standardErrors = errors
        tests = (0..<modes).map { k in
            AgreementTest(estimates: fractions.map { $0[k] }, standardErrors: errors.map { $0[k] }, floor: floor)
        }
        pooled = (0..<modes).map { k in fractions.reduce(0) { $0 + $1[k] } / c }
        pooledStandardErrors = pooledErrors
        self.knownWeights = knownWeights?.count == modes ? knownWeights : nil
    }

    /// From independent runs' fractions (population samplers, whose particles are no chain): the
    /// pooled error is between the runs, and the test against known weights uses Student's t with
    /// runs − 1 degrees of freedom. Needs three runs or more.
    public init?(runFractions: [[Double]], knownWeights: [Double]) {
        let r = runFractions.count, modes = knownWeights.count
        guard r >= 3, modes >= 2, runFractions.allSatisfy({ $0.count == modes }) else { return nil }
        fractions = runFractions
        standardErrors = runFractions.map { _ in [Double](repeating: .nan, count: modes) }
        tests = Array(repeating: nil, count: modes)
        pooled = (0..<modes).map { k in runFractions.reduce(0) { $0 + $1[k] } / Double(r) }
        pooledStandardErrors = (0..<modes).map { k in
            let m = runFractions.reduce(0) { $0 + $1[k] } / Double(r)
            let v = runFractions.reduce(0) { $0 + ($1[k] - m) * ($1[k] - m) } / Double(r - 1)
            return max(v.squareRoot() / Double(r).squareRoot(), 1e-9)
        }
        self.knownWeights = knownWeights
        betweenRuns = r - 1
    }

    /// Degrees of freedom of a between-runs error (nil: the chains' own, from their ESS).
    public private(set) var betweenRuns: Int?

    /// z-scores of the pooled fractions against the target's weights (nil when they are not known).
    public var knownWeightScores: [Double]? {
        knownWeights.map { w in (0..<w.count).map { (pooled[$0] - w[$0]) / pooledStandardErrors[$0] } }
    }

    /// Two-sided level of the test against known weights, over the number of modes. Stricter than
    /// the chains' agreement test: a mode indicator's MCSE is itself uncertain (RWM on lau-gmm gave
    /// one |z| = 3.9 in 30 runs of exact samplers); the failures it is for give |z| in the tens.
    public static let knownWeightLevel = 1e-4

    /// The modes whose pooled fraction is off the target's weight.
    public var offModes: [Int] {
        guard let z = knownWeightScores else { return [] }
        let level = Self.knownWeightLevel / Double(z.count)
        return z.indices.filter { k in
            let p = betweenRuns.map { df in AgreementTest.twoSidedStudentP(z[k], degreesOfFreedom: df) } ?? AgreementTest.twoSidedNormalP(z[k])
            return p < level
        }
    }

    /// The modes whose chains disagree, at `knownWeightLevel` over the number of modes (Bonferroni):
    /// each chain's error rests on an estimated ESS, so Q has heavier tails than χ². Measured on PT
    /// on lau-gmm (40 seeds × 5 modes, 4 chains × 5 000 scans): mean Q 3.13 against χ²₃'s 3, 1% below
    /// p = 0.01 as it should be, but one at p = 2.6·10⁻⁵.
    public var disagreeingModes: [Int] {
        let level = Self.knownWeightLevel / Double(tests.count)
        return tests.indices.filter { (tests[$0]?.pValue ?? 1) < level }
    }

    /// What is wrong with the modes' weights, if anything: chains that disagree, or (when the
    /// target's weights are known) pooled weights off the target's beyond their Monte Carlo error.
    public var warnings: [String] { [disagreement, offTarget].compactMap { $0 } }

    var offTarget: String? {
        guard let z = knownWeightScores, let k = offModes.max(by: { abs(z[$0]) < abs(z[$1]) }), let w = knownWeights else { return nil }
        let who = betweenRuns == nil ? "the chains have not found or not left some modes" : "every run under-weights or misses some modes"
        return String(format: "the draws give mode %d weight %.3f ± %.3g where the target has %.3f (%.1f standard errors): ", k + 1,
                      pooled[k], pooledStandardErrors[k], w[k], z[k])
            + who + ", so moments and every MCSE are unreliable"
    }

    var disagreement: String? {
        guard let k = disagreeingModes.min(by: { (tests[$0]?.pValue ?? 1) < (tests[$1]?.pValue ?? 1) }), let t = tests[k] else { return nil }
        let per = fractions.map { String(format: "%.3f", $0[k]) }.joined(separator: " ")
        return "the chains disagree about the weight of mode \(k + 1) beyond their Monte Carlo errors (per chain \(per); "
            + "\(t.description)): they do not move between modes, so the pooled weights and every MCSE are unreliable"
    }
}
