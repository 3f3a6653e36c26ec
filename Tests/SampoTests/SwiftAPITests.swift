import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// The one-call API and every misuse a new user hit (issue: a library a Swift user can hold).
final class SwiftAPITests: XCTestCase {
    private let gaussian = ClosureTarget(dimension: 2, logDensity: { x in -0.5 * (x[0] * x[0] + x[1] * x[1]) },
                                         gradient: { x in [-x[0], -x[1]] })

    func testOneCallSamplingAndSummary() throws {
        let mixture = try GaussianMixture(weights: [0.3, 0.7], means: [[-2, 0], [2, 1]], covariances: .isotropic([0.5, 1.0]))
        let run = try Sampo.sample(mixture, with: .mala(stepSize: 0.2), chains: 4, steps: 5000, seed: 42, jobs: 2)
        XCTAssertEqual(run.draws.chains, 4)
        XCTAssertEqual(run.counts.gradientEvaluations, 4 * (1 + 1000 + 5000))
        let summary = try run.summary()
        XCTAssertEqual(summary.skippedChains, [])
        let x1 = try XCTUnwrap(summary["x1"])
        // Mixture mean 0.3·(−2) + 0.7·2 = 0.8, within 5 MCSE.
        XCTAssertEqual(x1.mean, 0.8, accuracy: 5 * (try XCTUnwrap(x1.mcseMean, "no MCSE: the check would pass vacuously")))
        // Same seed, any jobs: identical draws.
        let again = try Sampo.sample(mixture, with: .mala(stepSize: 0.2), chains: 4, steps: 5000, seed: 42, jobs: 1)
        XCTAssertEqual(again.draws, run.draws)
    }

    func testNUTSAndAdaptationFromSwift() throws {
        let run = try Sampo.sample(gaussian, with: .nuts(metric: .dense), chains: 2, steps: 2000, seed: 3, jobs: 2)
        let x1 = try XCTUnwrap(try run.summary()["x1"])
        XCTAssertEqual(x1.mean, 0, accuracy: 5 * (try XCTUnwrap(x1.mcseMean, "no MCSE: the check would pass vacuously")))
        XCTAssertNotNil(run.chains?.outcomes[0].adaptedStepSize)
        guard case .dense(let m)? = run.chains?.outcomes[0].inverseMetric else { return XCTFail("expected a dense metric") }
        XCTAssertEqual(m.count, 4)
        let fixed = try Sampo.sample(gaussian, with: .hmc(stepSize: 0.3, steps: 5).adapting(false), chains: 1, steps: 100, seed: 3)
        XCTAssertNil(fixed.chains?.outcomes[0].adaptedStepSize)
        XCTAssertEqual(fixed.counts.gradientEvaluations, 1 + 1100 * 5)
        let mala = try Sampo.sample(gaussian, with: .mala(stepSize: 3).adapting(true), chains: 1, steps: 100, seed: 3)
        XCTAssertLessThan(try XCTUnwrap(mala.chains?.outcomes[0].adaptedStepSize), 3)
        XCTAssertThrowsError(try Sampo.sample(gaussian, with: .ula().adapting(true), chains: 1, steps: 10))
    }

    func testPerChainStartsAndShippedTargetByName() throws {
        let lau = try TargetFile.load(named: "lau-gmm")
        let starts = [[0.0, 0.0], [1.0, 1.0]]
        let run = try Sampo.sample(lau, with: .rwm(stepSize: 1), chains: 2, steps: 10, warmup: 0, seed: 1, starts: starts)
        XCTAssertEqual(run.draws.chains, 2)
        XCTAssertNotNil(run.quality(distances: false).meanError)
        XCTAssertThrowsError(try TargetFile.load(named: "no-such-target")) {
            guard case .unknownTarget(let name, let shipped)? = $0 as? SampoError else { return XCTFail("\($0)") }
            XCTAssertEqual(name, "no-such-target")
            XCTAssertTrue(shipped.contains("lau-gmm"))
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sampo-search-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "family = \"gaussian-mixture\"\nweights = [1]\nmeans = [[5]]\nvariances = [1]\n"
            .write(to: dir.appendingPathComponent("mine.toml"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try TargetFile.load(named: "mine", searchPaths: [dir.path]).moments.mean, [5])
    }

    func testSMCAndRDMCFromTheOneCall() throws {
        let mixture = try GaussianMixture(weights: [0.5, 0.5], means: [[-3, 0], [3, 0]], covariances: .isotropic([1, 1]))
        let smc = try Sampo.sample(mixture, with: .smc(particles: 500, kernel: .mala), chains: 2, seed: 3, jobs: 2)
        XCTAssertEqual(smc.draws.chains, 2)
        let logZ = try XCTUnwrap(smc.logZ)
        XCTAssertEqual(logZ, 0, accuracy: 0.3)   // normalised mixture; sd of log Ẑ at N = 500 is about 0.05
        XCTAssertEqual(try smc.summary().parameters.count, 2)
        let rdmc = try Sampo.sample(mixture, with: .rdmc(particles: 200, steps: 10, innerSamples: 50), chains: 1, seed: 3)
        XCTAssertEqual(rdmc.draws.recorded, [200])
        XCTAssertThrowsError(try Sampo.sample(mixture, with: .smc(particles: 1))) {
            XCTAssertEqual($0 as? SampoError, .invalid(.samplerParameter("particles"), "expected at least 2, found 1"))
        }
        XCTAssertThrowsError(try Sampo.sample(mixture, with: .smc(), steps: 50))
    }

    // MARK: misuses

    func testWrongStartDimensionIsRefused() throws {
        let kernel = try MALA(target: gaussian, stepSize: 0.1)
        XCTAssertThrowsError(try kernel.reset(to: [0.0])) {
            XCTAssertEqual($0 as? SampoError,
                           .invalid(.argument("start"), "expected a point of dimension 2, found 1 coordinates"))
        }
        XCTAssertThrowsError(try Sampo.sample(gaussian, with: .mala(), chains: 2, starts: [[0, 0], [0]])) {
            XCTAssertEqual("\($0)", "initialization: expected a point of dimension 2 for chain 2, found 1 coordinates")
        }
        XCTAssertThrowsError(try Sampo.sample(gaussian, with: .mala(), chains: 2, starts: [[0, 0]]))
    }

    func testNegativeStepSizeThroughEveryEntryPoint() throws {
        let t = NamedTarget(name: "g", density: gaussian)
        func assertRefused(_ label: String, _ body: () throws -> Void) {
            XCTAssertThrowsError(try body(), label) {
                guard case .invalid(.stepSize, _)? = $0 as? SampoError else { return XCTFail("\(label): \($0)") }
            }
        }
        assertRefused("ULA") { _ = try ULA(target: gaussian, stepSize: -0.1) }
        assertRefused("MALA") { _ = try MALA(target: gaussian, stepSize: -0.1) }
        assertRefused("RWM") { _ = try RWM(target: gaussian, stepSize: -0.1) }
        assertRefused("RLMC") { _ = try RLMC(target: gaussian, stepSize: -0.1) }
        assertRefused("MYULA") { _ = try MYULA(target: gaussian, stepSize: -0.1, lambda: 0.25) }
        assertRefused("MYMALA") { _ = try MYMALA(target: gaussian, stepSize: -0.1, lambda: 0.25) }
        assertRefused("PMALA") { _ = try PMALA(target: gaussian, stepSize: -0.1) }
        assertRefused("PSGLA") { _ = try PSGLA(target: gaussian, stepSize: -0.1) }
        assertRefused("KineticLangevin") { _ = try KineticLangevin(target: gaussian, scheme: .baoab, stepSize: -0.1, friction: 2) }
        assertRefused("RKLMC") { _ = try RKLMC(target: gaussian, stepSize: .nan, friction: 2) }
        for name in SamplerCatalog.markovNames {
            let info = try SamplerCatalog.named(name)
            assertRefused("registry \(name)") { _ = try info.makeKernel(target: gaussian, stepSize: -1) }
            assertRefused("job \(name)") {
                _ = try SamplingJob(target: t, sampler: info, stepSize: -1, settings: RunSettings(chains: 1, steps: 10))
            }
            assertRefused("tuning \(name)") {
                _ = try StepSizeTuning.tune(sampler: info, target: t, parameters: .empty, start: -1, iterations: 100, seed: 1)
            }
        }
        assertRefused("one call") { _ = try Sampo.sample(gaussian, with: .mala(stepSize: -0.1)) }
        assertRefused("comparison grid") {
            try ComparisonGrid(targets: ["lau-gmm"], samplers: [.init(name: "mala", stepSize: -1)], seeds: [1]).validate()
        }
        assertRefused("population sampler given a step size") { _ = try Sampo.sample(gaussian, with: SamplerChoice(name: "smc", stepSize: 0.1)) }
        XCTAssertThrowsError(try KineticLangevin(target: gaussian, scheme: .obabo, stepSize: 0.1, friction: -2)) {
            XCTAssertEqual($0 as? SampoError, .invalid(.samplerParameter("friction"), "expected a positive finite number, found -2.0"))
        }
        XCTAssertThrowsError(try MYULA(target: gaussian, stepSize: 0.1, lambda: 0))
    }

    func testNaNDensityEverywhereIsANonFiniteStart() throws {
        let nowhere = ClosureTarget(dimension: 2, logDensity: { _ in .nan }, gradient: { _ in [0, 0] })
        for sampler in [SamplerChoice.mala(), .rwm(), .ula(), .baoab()] {
            XCTAssertThrowsError(try Sampo.sample(nowhere, with: sampler, chains: 3, steps: 10, jobs: 2), sampler.name) {
                guard case .nonFiniteStart(let chain, let lp)? = $0 as? SampoError else { return XCTFail("\($0)") }
                XCTAssertEqual(chain, 0)
                XCTAssertTrue(lp.isNaN)
                XCTAssertTrue("\($0)".hasPrefix("chain 1: the log density at the starting point is nan"))
            }
        }
    }

    func testNaNAtTheStartOnlyNamesThatChain() throws {
        let halfPlane = ClosureTarget(dimension: 1, logDensity: { x in x[0] < 0 ? .nan : -x[0] * x[0] })
        XCTAssertThrowsError(try Sampo.sample(halfPlane, with: .rwm(), chains: 3, steps: 10, starts: [[1], [2], [-1]])) {
            guard case .nonFiniteStart(let chain, let lp)? = $0 as? SampoError else { return XCTFail("\($0)") }
            XCTAssertEqual(chain, 2)
            XCTAssertTrue(lp.isNaN)
        }
    }

    func testNaNOnPartOfTheSpaceIsCountedNotSilent() throws {
        // N(0, 1) truncated where the density is NaN (x < −0.5): rejected proposals are counted.
        let partial = ClosureTarget(dimension: 1, logDensity: { x in x[0] < -0.5 ? .nan : -0.5 * x[0] * x[0] },
                                    gradient: { x in [-x[0]] })
        let run = try Sampo.sample(partial, with: .rwm(stepSize: 1), chains: 2, steps: 2000, warmup: 0, seed: 4,
                                   starts: [[1], [1]])
        let outcomes = try XCTUnwrap(run.chains?.outcomes)
        XCTAssertTrue(outcomes.allSatisfy { $0.nanProposals > 100 })
    }

    func testAllChainsDivergedIsAnError() throws {
        XCTAssertThrowsError(try Sampo.sample(gaussian, with: .ula(stepSize: 50), chains: 3, steps: 500, jobs: 2)) {
            XCTAssertEqual($0 as? SampoError, .allChainsDiverged(chains: 3))
            XCTAssertFalse(($0 as? SampoError)?.isUsage ?? true)
        }
    }

    /// log Ẑ and its standard error from the run, for every sampler that estimates it; population
    /// summaries say their ESS is between runs.
    func testLogZFromEverySamplerThatEstimatesIt() throws {
        let lau = try TargetFile.load(named: "lau-gmm")
        let truth = try XCTUnwrap(lau.moments.logNormalizer)
        let pt = try Sampo.sample(lau, with: .pt(replicas: 8, explorer: .mala), chains: 4, steps: 2_000, seed: 5)
        let smc = try Sampo.sample(lau, with: .smc(particles: 1000, kernel: .mala), chains: 4, seed: 7)
        for (name, run) in [("pt", pt), ("smc", smc)] {
            let z = try XCTUnwrap(run.logZ, name), se = try XCTUnwrap(run.logZStandardError, name)
            XCTAssertEqual(run.logZEstimate?.runs, 4, name)
            XCTAssertEqual(z, truth, accuracy: 5 * se, name)
        }
        // PT's is the chains' stepping-stone estimates combined: the mean of their Ẑ.
        let each = try XCTUnwrap(pt.temperingReports).compactMap(\.logZ)
        XCTAssertEqual(each, pt.chains?.outcomes.compactMap { $0.report?.tempering?.logZ })
        XCTAssertEqual(each.count, 4)
        XCTAssertEqual(try XCTUnwrap(pt.logZ), log(each.map(exp).reduce(0, +) / 4), accuracy: 1e-12)
        let mala = try Sampo.sample(lau, with: .mala(stepSize: 0.1), chains: 2, steps: 100, seed: 1)
        XCTAssertNil(mala.logZ)
        // Typed reports per sampler kind, nil for the others.
        XCTAssertTrue(mala.temperingReports == nil && mala.smcReports == nil && mala.rdmcReports == nil)
        XCTAssertTrue(pt.smcReports == nil && smc.temperingReports == nil && smc.rdmcReports == nil)
        let schedule = try XCTUnwrap(pt.temperingReports?.first?.schedule)
        XCTAssertEqual(schedule.count, 8)
        XCTAssertEqual(schedule.last, 1)
        let stages = try XCTUnwrap(smc.smcReports)
        XCTAssertEqual(stages.count, 4)
        for r in stages {
            XCTAssertEqual(r.temperatures.first, 0); XCTAssertEqual(r.temperatures.last, 1)
            // One ESS and one acceptance rate per stage; the adaptive schedule aims at half the particles.
            XCTAssertEqual(r.essPerStage.count, r.temperatures.count - 1)
            XCTAssertEqual(r.acceptancePerStage.count, r.temperatures.count - 1)
            for e in r.essPerStage.dropLast() { XCTAssertEqual(e, 500, accuracy: 5) }
            XCTAssertTrue(r.essPerStage.allSatisfy { $0 >= 495 && $0 <= 1000 }, "\(r.essPerStage)")
            XCTAssertNil(r.failure)
        }
        XCTAssertEqual(stages.map(\.logZ), smc.population?.runs.map(\.logZ))
        let rdmc = try Sampo.sample(lau, with: .rdmc(particles: 200), chains: 2, seed: 3)
        let reverse = try XCTUnwrap(rdmc.rdmcReports)
        XCTAssertEqual(reverse.count, 2)
        XCTAssertFalse(reverse[0].timeGrid.isEmpty)
        XCTAssertEqual(reverse[0].scoreQuality.count, rdmc.population?.runs[0].scoreQuality.count)
        XCTAssertNil(rdmc.smcReports)
        XCTAssertEqual(try smc.summary().parameters.map(\.errorMethod), [.betweenRuns, .betweenRuns])
        XCTAssertEqual(try pt.summary().parameters.map(\.errorMethod), [.markovChains, .markovChains])
    }

    func testSummariesSkipDivergedChainsAndSaySo() throws {
        // Chain 2 starts far out where ULA with this step blows up; chain 1 starts at the mode and stays.
        let quartic = ClosureTarget(dimension: 1, logDensity: { x in -pow(x[0], 4) }, gradient: { x in [-4 * pow(x[0], 3)] })
        let run = try Sampo.sample(quartic, with: .ula(stepSize: 0.01), chains: 2, steps: 2000, warmup: 0, seed: 2,
                                   starts: [[0], [30]])
        XCTAssertEqual(run.failedChains, [1])
        let summary = try run.summary()
        XCTAssertEqual(summary.chains, [0])
        XCTAssertEqual(summary.skippedChains, [1])
        let note = try XCTUnwrap(summary.note)
        XCTAssertTrue(note.hasPrefix("summary over 1 chains; left out diverged chain(s) 2\n"), note)
        XCTAssertTrue(note.contains("warning: chain 2 diverged at iteration"), note)
        XCTAssertEqual(summary.warnings.filter { $0.kind == .divergedChain }.map(\.chain), [1])
        XCTAssertEqual(DrawsSummary.completeChains(run.draws), [0])
    }

    func testFiniteDifferenceGradientsAreChargedTheirDensityCalls() throws {
        let noGradient = ClosureTarget(dimension: 3, logDensity: { x in -0.5 * x.reduce(0) { $0 + $1 * $1 } })
        XCTAssertEqual(noGradient.costOfGradientCall, OracleCounts(densityEvaluations: 7))
        let run = try Sampo.sample(noGradient, with: .ula(stepSize: 0.1), chains: 2, steps: 100, warmup: 0, seed: 1)
        // One gradient at the start and one per step, each 2d + 1 = 7 density calls.
        XCTAssertEqual(run.counts, OracleCounts(gradientEvaluations: 0, densityEvaluations: 2 * 101 * 7))
        let exact = try Sampo.sample(gaussian, with: .ula(stepSize: 0.1), chains: 2, steps: 100, warmup: 0, seed: 1)
        XCTAssertEqual(exact.counts, OracleCounts(gradientEvaluations: 2 * 101))
    }

    func testTypedErrorsAreUsageOrRuntime() {
        XCTAssertTrue(SampoError.unknownSampler(name: "x", known: []).isUsage)
        XCTAssertFalse(SampoError.runtime("disk full").isUsage)
        XCTAssertFalse(SampoError.nonFiniteStart(chain: 0, logDensity: .nan).isUsage)
        XCTAssertEqual("\(SampoError.invalid(.samplerParameter("lambda"), "expected a positive number, found -1.0"))",
                       "sampler parameter 'lambda': expected a positive number, found -1.0")
    }
}
