import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// The README's Swift API examples, compiled and run against the public API (no @testable import).
final class ReadmeExampleTests: XCTestCase {
    func testOneCallExample() throws {
        let banana = ClosureTarget(dimension: 2,
            logDensity: { x in -x[0] * x[0] / 200 - 0.5 * pow(x[1] + 0.03 * x[0] * x[0] - 3, 2) },
            gradient: { x in let r = x[1] + 0.03 * x[0] * x[0] - 3; return [-x[0] / 100 - 0.06 * x[0] * r, -r] })
        // The gradient closure agrees with the density (central differences).
        let (_, g) = banana.logDensityAndGradient([1.5, -0.7])
        let h = 1e-6
        XCTAssertEqual(g[0], (banana.logDensity([1.5 + h, -0.7]) - banana.logDensity([1.5 - h, -0.7])) / (2 * h), accuracy: 1e-6)
        XCTAssertEqual(g[1], (banana.logDensity([1.5, -0.7 + h]) - banana.logDensity([1.5, -0.7 - h])) / (2 * h), accuracy: 1e-6)

        let run = try Sampo.sample(banana, with: .nuts(), chains: 4, steps: 1_000, seed: 42)
        let summary = try run.summary()
        XCTAssertNotNil(summary["x1"]?.mean)
        // The banana's curved tails make NUTS diverge (with every metric and schedule, as Stan's), and the note says so.
        XCTAssertTrue(try XCTUnwrap(summary.note).contains("transitions after warm-up diverged"), summary.note ?? "")
        // MALA with too small a step has not mixed along the banana in 10 000 draws, and says so.
        let slow = try Sampo.sample(banana, with: .mala(stepSize: 0.5), chains: 4, steps: 10_000, seed: 42)
        XCTAssertTrue(slow.warnings.contains { $0.kind == .rhat && $0.parameter == "x1" }, "\(slow.warnings)")

        let lau = try TargetFile.load(named: "lau-gmm")
        let mala = try Sampo.sample(lau, with: .mala(stepSize: 0.1), chains: 2, steps: 5_000, seed: 1,
                                    starts: [[0, 0], [3, 3]])
        XCTAssertFalse(mala.quality().lines.isEmpty)

        let smc = try Sampo.sample(lau, with: .smc(particles: 2000, kernel: .mala), chains: 4, seed: 7)
        XCTAssertNotNil(smc.logZ)

        let pt = try Sampo.sample(lau, with: .pt(replicas: 8, explorer: .mala), chains: 4, steps: 5_000, seed: 5)
        XCTAssertNotNil(pt.logZ)
        XCTAssertNotNil(pt.logZStandardError)
        XCTAssertEqual(pt.warnings, [], "PT mixes on lau-gmm: nothing to warn about")
        let nuts = try Sampo.sample(banana, with: .nuts(metric: .dense), chains: 4, steps: 2_000, seed: 3)
        XCTAssertEqual(nuts.chains?.outcomes.compactMap(\.adaptedStepSize).count, 4)
        XCTAssertGreaterThan(nuts.counts.gradientEvaluations, 4 * 3000)
        let adapted = try Sampo.sample(banana, with: .mala(stepSize: 1).adapting(true), chains: 4, seed: 3)
        XCTAssertNotNil(adapted.chains?.outcomes[0].adaptedStepSize)
    }

    func testKernelAndCompositeExamples() throws {
        let mixture = try GaussianMixture(weights: [0.3, 0.7], means: [[-2, 0], [2, 1]], covariances: .isotropic([0.5, 1.0]))
        let kernel = try MALA(target: mixture, stepSize: 0.2)
        let rng = RandomStream(seed: 42, stream: 0)
        try kernel.reset(to: [0, 0])
        for _ in 0..<1000 { _ = kernel.step(rng: rng) }
        XCTAssertTrue(kernel.currentPosition.allSatisfy(\.isFinite))
        XCTAssertThrowsError(try MALA(target: mixture, stepSize: 0))
        XCTAssertThrowsError(try kernel.reset(to: [0]))

        let posterior = CompositeTarget(smooth: mixture, nonsmooth: try L1Term(rate: 0.15, center: [0, 0]))
        XCTAssertEqual(posterior.logDensity([1, -1]), mixture.logDensity([1, -1]) - 0.3, accuracy: 1e-14)
    }
}
