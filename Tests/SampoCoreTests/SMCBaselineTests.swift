import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// SMC with proposals fitted to the particles (EM itself, and what it buys on a 40-mode target),
/// and SMC's own uncertainty: between-run standard errors of log Ẑ and of population summaries.
final class SMCBaselineTests: XCTestCase {
    func testEMRecoversAWellSeparatedMixture() throws {
        let truth = try GaussianMixture(weights: [0.2, 0.3, 0.5], means: [[-6, 0], [0, 6], [5, -3]],
                                        covariances: .full([[[1.0, 0.3], [0.3, 0.5]], [[0.6, 0], [0, 1.5]], [[2.0, -0.5], [-0.5, 1.0]]]))
        let rng = RandomStream(seed: 17)
        let n = 3000
        var points = [Double](repeating: 0, count: 2 * n)
        points.withUnsafeMutableBufferPointer { p in for i in 0..<n { truth.drawExact(into: p.baseAddress! + 2 * i, rng: rng) } }
        let fit = try XCTUnwrap(MixtureFit.bestByBIC(points: points, count: n, dimension: 2, rng: RandomStream(seed: 3)))
        XCTAssertEqual(fit.components, 3, "BIC should choose 3 components")
        // Match components by their means.
        let sd = [0.2, 0.3, 0.5].map { ($0 * (1 - $0) / Double(n)).squareRoot() }
        for (k, mu) in truth.means.enumerated() {
            let j = try XCTUnwrap(fit.mixture.means.indices.min { hypot(fit.mixture.means[$0][0] - mu[0], fit.mixture.means[$0][1] - mu[1])
                < hypot(fit.mixture.means[$1][0] - mu[0], fit.mixture.means[$1][1] - mu[1]) })
            XCTAssertEqual(fit.mixture.weights[j], truth.weights[k], accuracy: 5 * sd[k])
            for a in 0..<2 { XCTAssertEqual(fit.mixture.means[j][a], mu[a], accuracy: 0.15) }
        }
        // The fitted mixture's covariance equals the truth's (5% relative on the diagonal).
        let c = try XCTUnwrap(fit.mixture.knownMoments.covariance), t = try XCTUnwrap(truth.knownMoments.covariance)
        for a in 0..<2 { XCTAssertEqual(c[a * 2 + a] / t[a * 2 + a], 1, accuracy: 0.05) }
    }

    /// gmm40 (40 modes): at the same oracle calls (4 sweeps per stage), independent MH from the
    /// fitted mixture reaches mode-weight TV ≤ 0.03 where RWM moves do not (RWM needs 10 sweeps,
    /// 2.4× the calls, for 0.03).
    func testMixtureProposalsReachTheModeWeightsWithFewerCalls() throws {
        let target = try TestSupport.target("gmm40")
        func tv(_ kernel: String, moves: Int) throws -> (tv: Double, calls: Int, acceptance: [Double], stages: Int) {
            let job = try PopulationJob(target: target, samplerName: "smc",
                                        settings: ["kernel": .text(kernel), "moves": .integer(moves)], runs: 8, seed: 2, jobs: 2)
            let result = try job.run()
            let ok = result.runs.indices.filter { result.runs[$0].failure == nil }
            XCTAssertEqual(ok.count, 8)
            let quality = SampleQuality(draws: result.draws, chains: ok, target: target)
            return (try XCTUnwrap(quality.modeWeightTV), result.totalCounts.densityEvaluations,
                    result.runs[0].acceptancePerStage, result.runs[0].schedule.count - 1)
        }
        let mixture = try tv("mixture", moves: 4), rwm = try tv("rwm", moves: 4)
        XCTAssertEqual(mixture.calls, rwm.calls)
        XCTAssertLessThanOrEqual(mixture.tv, 0.03)
        XCTAssertGreaterThan(rwm.tv, 0.03)
        // The fitted proposal's acceptance is reported for every stage.
        XCTAssertEqual(mixture.acceptance.count, mixture.stages)
        XCTAssertTrue(mixture.acceptance.allSatisfy { $0 > 0 && $0 <= 1 }, "\(mixture.acceptance)")
    }

    /// Between-run errors: log Ẑ's standard error by the delta method, and population summaries
    /// whose MCSE is the spread of the run means.
    func testBetweenRunStandardErrors() throws {
        let e = try XCTUnwrap(LogNormalizerEstimate([log(1.0), log(2.0), log(3.0)]))
        XCTAssertEqual(e.logZ, log(2.0), accuracy: 1e-15)
        XCTAssertEqual(try XCTUnwrap(e.standardError), 1 / (3.0.squareRoot() * 2), accuracy: 1e-15)   // sd 1, √3, mean 2
        XCTAssertNil(LogNormalizerEstimate([1000])?.standardError)
        XCTAssertEqual(LogNormalizerEstimate([1000, 1000])?.logZ, 1000)   // no overflow
        let summary = try ParameterSummary(parameter: "x", chains: [[1, 2, 3], [2, 3, 4], [6, 7, 8]])
        let adjusted = PopulationSummary.adjusted(summary, runs: [[1, 2, 3], [2, 3, 4], [6, 7, 8]])
        // Run means 2, 3, 7: sd √7, MCSE √7/√3.
        XCTAssertEqual(try XCTUnwrap(adjusted.mcseMean), (7.0 / 3).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(adjusted.mcseSD), 0, accuracy: 1e-12)
        XCTAssertNil(adjusted.essTail)
        // On waste-free SMC runs the between-run MCSE covers the actual error of the exact mean.
        let target = try TestSupport.target("gmm25")
        let job = try PopulationJob(target: target, samplerName: "smc", settings: ["waste_free": .flag(true)], runs: 8, seed: 4, jobs: 2)
        let result = try job.run()
        let rows = try PopulationSummary.summarize(result.draws, runs: Array(0..<8))
        let mean = try XCTUnwrap(target.moments.mean)
        for (j, row) in rows.enumerated() {
            XCTAssertLessThan(abs(row.mean - mean[j]), 5 * (row.mcseMean ?? 0), "x\(j + 1)")
        }
        XCTAssertNotNil(result.logZStandardError)
    }

    /// One run's genealogy estimate of Var(log Ẑ) (Lee & Whiteley) against the spread of log Ẑ
    /// over 200 independent runs (multinomial resampling, where the estimator is consistent): the
    /// mean estimate equals the observed variance within 5 standard errors of the comparison.
    func testSingleRunVarianceOfLogZ() throws {
        let target = try TestSupport.target("gmm25")
        let job = try PopulationJob(target: target, samplerName: "smc",
                                    settings: ["particles": .integer(400), "resampling": .text("multinomial"), "moves": .integer(5)],
                                    runs: 200, seed: 12, jobs: 2)
        let runs = try job.run().runs
        let z = runs.compactMap(\.logZ), v = runs.compactMap(\.logZVariance)
        XCTAssertEqual(z.count, 200); XCTAssertEqual(v.count, 200)
        let mz = z.reduce(0, +) / 200
        let observed = z.reduce(0) { $0 + ($1 - mz) * ($1 - mz) } / 199
        let estimated = v.reduce(0, +) / 200
        // Errors: the sample variance (≈ √(2/199) relative for near-normal log Ẑ) and the mean of the estimates.
        let mv = estimated, sdv = (v.reduce(0) { $0 + ($1 - mv) * ($1 - mv) } / 199 / 200).squareRoot()
        let se = ((observed * (2.0 / 199).squareRoot()) * (observed * (2.0 / 199).squareRoot()) + sdv * sdv).squareRoot()
        XCTAssertLessThan(abs(estimated - observed), 5 * se, "mean genealogy estimate \(estimated), observed variance \(observed) (se \(se))")
        // One multinomial run gets its standard error from the genealogy; one systematic run (the
        // default), where the estimate is too small, gets none and says why.
        let single = try PopulationJob(target: target, samplerName: "smc", settings: ["resampling": .text("multinomial")],
                                       runs: 1, seed: 3, jobs: 1).run()
        XCTAssertEqual(single.logZStandardErrorMethod, "genealogy (Lee & Whiteley), multinomial resampling")
        XCTAssertNotNil(single.logZStandardError)
        let systematic = try PopulationJob(target: target, samplerName: "smc", settings: [:], runs: 1, seed: 3, jobs: 1).run()
        XCTAssertNil(systematic.logZStandardError)
        XCTAssertNil(systematic.runs[0].logZVariance)
        XCTAssertTrue(systematic.logZStandardErrorAbsence?.contains("multinomial") == true)
    }

    func testMixtureKernelIdenticalForAnyJobs() throws {
        let target = try TestSupport.target("gmm25")
        let settings: [String: ParameterValue] = ["kernel": .text("mixture"), "particles": .integer(300), "local_moves": .integer(1)]
        let one = try PopulationJob(target: target, samplerName: "smc", settings: settings, runs: 3, seed: 6, jobs: 1).run()
        let two = try PopulationJob(target: target, samplerName: "smc", settings: settings, runs: 3, seed: 6, jobs: 2).run()
        XCTAssertEqual(DrawsCSV.render(one.draws), DrawsCSV.render(two.draws))
        XCTAssertEqual(one.runs.map(\.acceptancePerStage), two.runs.map(\.acceptancePerStage))
    }
}
