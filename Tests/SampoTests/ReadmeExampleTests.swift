import Foundation
import XCTest
import Sampo

/// The README's Swift API examples, compiled and run against the public API (no @testable import).
final class ReadmeExampleTests: XCTestCase {
    func testSwiftAPIExample() throws {
        let lau = try TargetFile.load(TestSupport.root.appendingPathComponent("targets/lau-gmm.toml").path)
        XCTAssertEqual(lau.dimension, 2)
        let mixture = try GaussianMixture(weights: [0.3, 0.7], means: [[-2, 0], [2, 1]],
                                          covariances: .isotropic([0.5, 1.0]))
        let job = try SamplingJob(target: NamedTarget(name: "two-modes", density: mixture),
                                  sampler: try SamplerCatalog.named("mala"), stepSize: 0.2, parameters: [:],
                                  settings: RunSettings(chains: 4, steps: 10_000, warmup: 1_000, seed: 42))
        let run = try job.run()
        XCTAssertEqual(run.outcomes.count, 4)
        XCTAssertEqual(run.totalCounts.gradientEvaluations, 4 * 11_001)
        XCTAssertEqual(run.draws.series(chain: 0, coordinate: 0).count, 10_000)

        let kernel = try MALA(target: mixture, stepSize: 0.2)
        let rng = RandomStream(seed: 42, stream: 0)
        try kernel.reset(to: [0, 0])
        for _ in 0..<1000 { _ = kernel.step(rng: rng) }
        XCTAssertTrue(kernel.currentPosition.allSatisfy(\.isFinite))
    }

    func testClosureAndCompositeExamples() throws {
        let banana = ClosureTarget(dimension: 2, logDensity: { x in -(pow(1 - x[0], 2) + 100 * pow(x[1] - x[0] * x[0], 2)) / 20 })
        XCTAssertEqual(banana.logDensity([1, 1]), 0)
        let mixture = try GaussianMixture(weights: [1], means: [[0, 0]], covariances: .isotropic([1]))
        let posterior = CompositeTarget(smooth: mixture, nonsmooth: try L1Term(rate: 0.15, center: [0, 0]))
        XCTAssertEqual(posterior.logDensity([1, -1]), mixture.logDensity([1, -1]) - 0.3, accuracy: 1e-14)
    }
}
