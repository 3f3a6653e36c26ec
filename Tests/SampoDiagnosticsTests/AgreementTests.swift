import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// Results that may be wrong say so: chains or runs that disagree about log Ẑ or about the modes'
/// weights beyond their own errors, pooled mode weights off the target's, and the reference of
/// tempered samplers chosen by one rule for every family.
final class AgreementTests: XCTestCase {
    /// Cochran's Q by hand: estimates 1, 2, 4 with errors 1, 1, 2 have weights 1, 1, 1/4, weighted
    /// mean (1 + 2 + 1)/2.25 = 16/9, Q = (7/9)² + (2/9)² + (20/9)²/4 = 53/81 + 100/81 = 153/81; with
    /// 2 degrees of freedom P(χ² ≥ Q) = e^{−Q/2}.
    func testCochranQByHand() throws {
        let t = try XCTUnwrap(AgreementTest(estimates: [1, 2, 4], standardErrors: [1, 1, 2]))
        XCTAssertEqual(t.statistic, 153.0 / 81, accuracy: 1e-12)
        XCTAssertEqual(t.degreesOfFreedom, 2)
        XCTAssertEqual(t.pValue, exp(-153.0 / 162), accuracy: 1e-12)
        XCTAssertFalse(t.disagrees)
        XCTAssertTrue(try XCTUnwrap(AgreementTest(estimates: [0, 1], standardErrors: [0.1, 0.1])).disagrees)   // Q = 50
        XCTAssertNil(AgreementTest(estimates: [1], standardErrors: [1]))
        XCTAssertEqual(AgreementTest(estimates: [3, 3], standardErrors: [0, 0])?.pValue, 1)
        XCTAssertEqual(AgreementTest(estimates: [0, 1], standardErrors: [0, 0])?.pValue, 0)
    }

    /// log Ẑ of several runs: the SE is the spread between them; the runs' own errors only decide
    /// whether to warn. One run's own error is its SE.
    func testLogNormalizerEstimateWarnsWhenRunsDisagree() throws {
        let agree = try XCTUnwrap(LogNormalizerEstimate([0.01, -0.02, 0.0, 0.015], standardErrors: [0.02, 0.02, 0.02, 0.02]))
        XCTAssertNil(agree.warning())
        XCTAssertEqual(agree.method, "between runs")
        let apart = try XCTUnwrap(LogNormalizerEstimate([-0.36, 0.14, 0.0, 0.2], standardErrors: [0.02, 0.03, 0.03, 0.02]))
        XCTAssertNotNil(apart.warning(runsCalled: "chains"))
        XCTAssertEqual(try XCTUnwrap(apart.standardError), try XCTUnwrap(LogNormalizerEstimate([-0.36, 0.14, 0.0, 0.2])?.standardError))
        let one = try XCTUnwrap(LogNormalizerEstimate([0.1], standardErrors: [0.05], method: "batch means"))
        XCTAssertEqual(one.standardError, 0.05)
        XCTAssertEqual(one.method, "batch means")
        XCTAssertNil(LogNormalizerEstimate([0.1])?.standardError)
    }

    /// Against a known truth: a run's own error is normal, an error between R runs is Student's t
    /// with R − 1 degrees of freedom (4 runs 10 errors off: t₃ = 10 has p ≈ 0.002, not called; 20
    /// runs 10 errors off are).
    func testKnownTruthChecks() throws {
        let one = try XCTUnwrap(LogNormalizerEstimate([-0.36], standardErrors: [0.02], method: "genealogy"))
        XCTAssertNotNil(one.warning(knownLogZ: 0))
        XCTAssertNil(one.warning(knownLogZ: -0.4))
        XCTAssertNil(one.warning(knownLogZ: nil))
        XCTAssertEqual(AgreementTest.twoSidedStudentP(10, degreesOfFreedom: 3), 0.00213, accuracy: 1e-5)
        let few: [Double] = [0.40, 0.41, 0.42, 0.43]
        let fewEstimate = try XCTUnwrap(LogNormalizerEstimate(few))
        XCTAssertNil(fewEstimate.warning(knownLogZ: fewEstimate.logZ - 10 * (fewEstimate.standardError ?? 0)))
        let many = (0..<20).map { 0.4 + 0.03 * Double($0 % 5 - 2) }
        let manyEstimate = try XCTUnwrap(LogNormalizerEstimate(many))
        XCTAssertNotNil(manyEstimate.warning(knownLogZ: manyEstimate.logZ - 10 * (manyEstimate.standardError ?? 0)))
        // Independent runs that all give a mode half its weight.
        let runs: [[Double]] = (0..<8).map { r in
            let e = 0.01 * Double(r % 3)
            return [0.14 + e, 0.86 - e]
        }
        let occupancy = try XCTUnwrap(ModeOccupancy(runFractions: runs, knownWeights: [0.3, 0.7]))
        XCTAssertEqual(occupancy.offModes, [0, 1])
        XCTAssertTrue(occupancy.warnings.first?.contains("every run") == true)
        XCTAssertTrue(try XCTUnwrap(ModeOccupancy(runFractions: runs, knownWeights: [0.15, 0.85])).warnings.isEmpty)
        XCTAssertNil(ModeOccupancy(runFractions: Array(runs.prefix(2)), knownWeights: [0.3, 0.7]))
    }

    /// Two chains that never leave their modes look certain one by one and disagree together; four
    /// chains stuck in the same one of two equal modes agree with each other and not with the target.
    func testModeOccupancyFindsStuckChains() throws {
        let n = 4000
        // Chains that switch between two equal modes with probability 0.1 a step.
        let rng = RandomStream(seed: 4)
        let mixing = (0..<4).map { _ -> [Int32] in
            var label: Int32 = 0
            return (0..<n).map { _ in if rng.uniform() < 0.1 { label = 1 - label }; return label }
        }
        let fine = try XCTUnwrap(ModeOccupancy(labels: mixing, modes: 2, knownWeights: [0.5, 0.5]))
        XCTAssertTrue(fine.warnings.isEmpty, "\(fine.warnings)")
        let split = [[Int32](repeating: 0, count: n), [Int32](repeating: 1, count: n)]
        let apart = try XCTUnwrap(ModeOccupancy(labels: split, modes: 2))
        XCTAssertEqual(apart.disagreeingModes, [0, 1])
        XCTAssertTrue(apart.warnings.first?.contains("disagree about the weight of mode") == true)
        let stuck = Array(repeating: [Int32](repeating: 1, count: n), count: 4)
        let together = try XCTUnwrap(ModeOccupancy(labels: stuck, modes: 2, knownWeights: [0.5, 0.5]))
        XCTAssertTrue(together.disagreeingModes.isEmpty)
        XCTAssertEqual(together.offModes, [0, 1])
        XCTAssertTrue(together.warnings.first?.contains("where the target has 0.500") == true)
    }

    /// The audit's case: tempering loses the narrow mode of 0.3·N(−3·𝟙, 0.5²I₅) + 0.7·N(3·𝟙, 1.2²I₅) to
    /// some chains. The run says so; on lau-gmm, where PT mixes, it does not.
    func testParallelTemperingWarnsWhenChainsLoseAMode() throws {
        let bimodal = NamedTarget(name: "bim5", density: try GaussianMixture(
            weights: [0.3, 0.7], means: [[Double](repeating: -3, count: 5), [Double](repeating: 3, count: 5)], covariances: .isotropic([0.25, 1.44])))
        let settings = RunSettings(chains: 4, steps: 20_000, warmup: 1000, thin: 1, seed: 3, jobs: 2)
        let run = try SamplingJob(target: bimodal, sampler: try SamplerCatalog.named("pt"), stepSize: nil, settings: settings).run()
        let quality = SampleQuality(run: run, target: bimodal, distances: false)
        XCTAssertTrue(quality.warnings.contains { $0.message.contains("log Ẑ disagree") }, "\(quality.warnings)")
        let estimate = try XCTUnwrap(LogNormalizerEstimate(outcomes: run.outcomes))
        XCTAssertEqual(estimate.method, "between runs")
        let lau = try TestSupport.target("lau-gmm")
        let mixing = try SamplingJob(target: lau, sampler: try SamplerCatalog.named("pt"), stepSize: nil, settings: settings).run()
        XCTAssertEqual(SampleQuality(run: mixing, target: lau, distances: false).warnings, [])
    }

    /// SMC and PT take their reference from what is known of the moments, whatever the family: a
    /// formula with the built-in mixture's mean and covariance in `[reference]` gets the same p₀, and
    /// a known mean alone centres the default sd of 10.
    func testOneReferenceRuleForEveryFamily() throws {
        let builtIn = try TargetFile.parse("""
            name = "b"
            family = "gaussian-mixture"
            dimension = 2
            weights = [0.3, 0.7]
            means = [[-3, -3], [3, 3]]
            variances = [0.25, 1.44]
            """, file: "b.toml")
        let mean = try XCTUnwrap(builtIn.moments.mean), cov = try XCTUnwrap(builtIn.moments.covariance)
        let formula = try TargetFile.parse("""
            name = "f"
            family = "expression"
            dimension = 2
            log_density = "log_sum_exp(log(0.3) - ((x[1] + 3)^2 + (x[2] + 3)^2)/0.5 - log(2*pi*0.25), log(0.7) - ((x[1] - 3)^2 + (x[2] - 3)^2)/2.88 - log(2*pi*1.44))"
            [constants]
            pi = 3.141592653589793
            [reference]
            mean = [\(mean[0]), \(mean[1])]
            covariance = [[\(cov[0]), \(cov[1])], [\(cov[2]), \(cov[3])]]
            """, file: "f.toml")
        let a = GaussianReference.choose(dimension: 2, moments: builtIn.moments, scale: nil)
        let b = GaussianReference.choose(dimension: 2, moments: formula.moments, scale: nil)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.mean[0], 1.2, accuracy: 1e-12)
        XCTAssertEqual(a.sd[0], 2 * cov[0].squareRoot(), accuracy: 1e-15)
        let meanOnly = GaussianReference.choose(dimension: 2, moments: KnownMoments(mean: [1, 2]), scale: nil)
        XCTAssertEqual(meanOnly, GaussianReference(mean: [1, 2], sd: [10, 10]))
        XCTAssertEqual(GaussianReference.choose(dimension: 2, moments: nil, scale: nil), GaussianReference(mean: [0, 0], sd: [10, 10]))
        // Same reference, same density: SMC gives the same log Ẑ to rounding.
        let one = try PopulationJob(target: builtIn, samplerName: "smc", settings: ["particles": .integer(500)], runs: 1, seed: 2, jobs: 1).run()
        let two = try PopulationJob(target: formula, samplerName: "smc", settings: ["particles": .integer(500)], runs: 1, seed: 2, jobs: 1).run()
        XCTAssertEqual(try XCTUnwrap(one.logZ), try XCTUnwrap(two.logZ), accuracy: 1e-6)
    }
}
