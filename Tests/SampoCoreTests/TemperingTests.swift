import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// Non-reversible parallel tempering: moments, mode weights, log Z, the tuned schedule and
/// reproducibility.
final class TemperingTests: XCTestCase {
    private func job(_ target: NamedTarget, steps: Int, warmup: Int = 2000, chains: Int = 4, seed: UInt64 = 8, jobs: Int = 2,
                     parameters: [String: ParameterValue] = [:]) throws -> SamplingJob {
        try SamplingJob(target: target, sampler: try SamplerCatalog.named("pt"), stepSize: 0.2, parameters: parameters,
                        settings: RunSettings(chains: chains, steps: steps, warmup: warmup, thin: 1, seed: seed, jobs: jobs))
    }

    func testRecoversACorrelatedGaussianAndLauGMM() throws {
        let cov: [[Double]] = [[2.0, 1.2, -0.4], [1.2, 1.5, 0.3], [-0.4, 0.3, 0.5]]
        let gaussian = NamedTarget(name: "corr3", density: try GaussianMixture(weights: [1], means: [[1, -2, 0.5]], covariances: .full([cov])))
        for explorer in ["mala", "rwm", "hmc"] {
            let run = try job(gaussian, steps: 20_000, parameters: ["explorer": .text(explorer), "replicas": .integer(5)]).run()
            try TestSupport.assertMomentsRecovered(run, gaussian)
        }
        let lau = try TestSupport.target("lau-gmm")
        try TestSupport.assertMomentsRecovered(try job(lau, steps: 40_000).run(), lau)
    }

    /// Mode weights on gmm25 within TV 0.05, and log Ẑ over independent runs within 3 standard
    /// errors of the truth (log Z = 0: the mixture is normalised).
    func testModeWeightsAndLogZOnGMM25() throws {
        let target = try TestSupport.target("gmm25")
        let run = try job(target, steps: 20_000, chains: 8).run()
        let quality = SampleQuality(run: run, target: target)
        XCTAssertLessThan(try XCTUnwrap(quality.modeWeightTV), 0.05)
        let z = run.outcomes.compactMap { $0.report?.tempering?.logZ }
        XCTAssertEqual(z.count, 8)
        let mean = z.reduce(0, +) / 8
        let se = (z.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 7 / 8).squareRoot()
        XCTAssertLessThan(abs(mean - (target.moments.logNormalizer ?? 0)), 3 * se, "log Ẑ \(mean) ± \(se)")
        // The tuned schedule equalises the swap rejection rates: each within 0.1 of Λ/N.
        for o in run.outcomes {
            let report = try XCTUnwrap(o.report?.tempering)
            let accept = report.swapAcceptance, barrier = report.barrier
            for a in accept { XCTAssertEqual(1 - a, barrier / Double(accept.count), accuracy: 0.1, "\(accept)") }
            XCTAssertGreaterThan(report.roundTrips, 100)
            let betas = report.schedule
            XCTAssertEqual(betas.first, 0); XCTAssertEqual(betas.last, 1)
            XCTAssertEqual(betas, betas.sorted())
        }
    }

    /// Every replica's oracle calls count: one per replica per scan (MALA explorer), plus the start.
    func testOracleCountsIncludeEveryReplica() throws {
        let target = try TestSupport.target("lau-gmm")
        let run = try job(target, steps: 100, warmup: 50, chains: 1, parameters: ["replicas": .integer(6)]).run()
        XCTAssertEqual(run.totalCounts.gradientEvaluations, 6 + 6 * 150)   // the start, then 150 scans
    }

    func testSameSeedSameDrawsForAnyJobs() throws {
        let target = try TestSupport.target("gmm25")
        for explorer in ["mala", "hmc", "rwm"] {
            let one = try job(target, steps: 300, warmup: 300, seed: 2, jobs: 1, parameters: ["explorer": .text(explorer)]).run()
            let three = try job(target, steps: 300, warmup: 300, seed: 2, jobs: 3, parameters: ["explorer": .text(explorer)]).run()
            XCTAssertEqual(DrawsCSV.render(one.draws), DrawsCSV.render(three.draws), explorer)
            XCTAssertEqual(one.outcomes.map(\.report), three.outcomes.map(\.report), explorer)
        }
    }
}
