import Foundation
import XCTest
import Sampo

/// `sample --moments`: running moments streamed from the chains equal the moments of the stored
/// draws (mean and variance exactly, quantiles within P²'s accuracy), and a run that keeps no
/// draws streams the same moments.
final class RunningMomentsTests: XCTestCase {
    func testStreamedMomentsEqualThoseOfTheStoredDraws() throws {
        let target = NamedTarget(name: "g2", density: try GaussianMixture(weights: [1], means: [[1, -2]], covariances: .full([[[1, 0.5], [0.5, 2]]])))
        var settings = RunSettings(chains: 4, steps: 20_000, warmup: 500, thin: 2, seed: 3, jobs: 2)
        settings.momentProbabilities = [0.05, 0.5, 0.95]
        let job = try SamplingJob(target: target, sampler: try SamplerCatalog.named("mala"), stepSize: 0.5, settings: settings)
        let run = try job.run()
        let m = try XCTUnwrap(run.moments)
        XCTAssertEqual(m.count, 4 * 10_000)
        for j in 0..<2 {
            let all = (0..<4).flatMap { run.draws.series(chain: $0, coordinate: j) }
            let mean = all.reduce(0, +) / Double(all.count)
            let variance = all.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(all.count - 1)
            XCTAssertEqual(m.mean(j), mean, accuracy: 1e-12 * max(1, abs(mean)))
            XCTAssertEqual(m.variance(j), variance, accuracy: 1e-11 * variance)
            let sorted = all.sorted()
            for (k, p) in [0.05, 0.5, 0.95].enumerated() {
                let empirical = sorted[Int(p * Double(sorted.count - 1))]
                XCTAssertEqual(m.quantile(j, k), empirical, accuracy: 0.03 * variance.squareRoot(), "x\(j + 1) q\(p)")
            }
        }
        // Keeping no draws streams the same moments (same seed), with nothing stored.
        settings.keepDraws = false
        let lean = try SamplingJob(target: target, sampler: try SamplerCatalog.named("mala"), stepSize: 0.5, settings: settings).run()
        XCTAssertEqual(lean.draws.recorded, [0, 0, 0, 0])
        let l = try XCTUnwrap(lean.moments)
        for j in 0..<2 {
            XCTAssertEqual(l.mean(j), m.mean(j)); XCTAssertEqual(l.variance(j), m.variance(j))
            for k in 0..<3 { XCTAssertEqual(l.quantile(j, k), m.quantile(j, k)) }
        }
        XCTAssertEqual(RunningMoments.columnName(0.05), "q05")
        XCTAssertEqual(RunningMoments.columnName(0.975), "q97.5")
        // A run that keeps nothing must stream something.
        settings.momentProbabilities = nil
        XCTAssertThrowsError(try SamplingJob(target: target, sampler: try SamplerCatalog.named("mala"), stepSize: 0.5, settings: settings))
    }

    /// P² on a long stream of a known law: within 1% of the true quantiles of N(0, 1).
    func testP2QuantilesOfAStandardNormal() {
        var m = RunningMoments(dimension: 1, probabilities: [0.05, 0.5, 0.95])
        let rng = RandomStream(seed: 9)
        var x = 0.0
        for _ in 0..<200_000 { x = rng.normal(); withUnsafePointer(to: &x) { m.add($0) } }
        XCTAssertEqual(m.quantile(0, 0), -1.6449, accuracy: 0.02)
        XCTAssertEqual(m.quantile(0, 1), 0, accuracy: 0.01)
        XCTAssertEqual(m.quantile(0, 2), 1.6449, accuracy: 0.02)
        XCTAssertEqual(m.variance(0), 1, accuracy: 0.01)
    }
}
