import Foundation
import Sampo
import XCTest

/// Sampo from a downstream package: a custom target, one-call sampling, the summary, SMC and a
/// shipped target found by name, using only public API.
final class DownstreamTests: XCTestCase {
    /// π(x) ∝ exp(−‖x − μ‖²/2) with μ = (1, −2): a custom `LogDensity` type.
    struct ShiftedGaussian: LogDensity {
        let dimension = 2
        let mu = [1.0, -2.0]
        func logDensity(at x: UnsafePointer<Double>) -> Double {
            -0.5 * ((x[0] - mu[0]) * (x[0] - mu[0]) + (x[1] - mu[1]) * (x[1] - mu[1]))
        }
        func logDensityAndGradient(at x: UnsafePointer<Double>, gradient g: UnsafeMutablePointer<Double>) -> Double {
            g[0] = mu[0] - x[0]; g[1] = mu[1] - x[1]
            return logDensity(at: x)
        }
    }

    func testCustomTargetOneCallAndSummary() throws {
        let run = try Sampo.sample(ShiftedGaussian(), with: .mala(stepSize: 0.5), chains: 4, steps: 4000, seed: 42)
        let summary = try run.summary()
        XCTAssertNil(summary.note)
        for (name, truth) in [("x1", 1.0), ("x2", -2.0)] {
            let p = try XCTUnwrap(summary[name])
            XCTAssertEqual(p.mean, truth, accuracy: 5 * (p.mcseMean ?? .infinity), name)
            XCTAssertLessThan(p.rhat ?? .infinity, 1.01, name)
        }
    }

    func testSMCOnAShippedTargetByName() throws {
        let target = try TargetFile.load(named: "lau-gmm")
        XCTAssertEqual(target.dimension, 2)
        let smc = try Sampo.sample(target, with: .smc(particles: 1000), chains: 2, seed: 7)
        XCTAssertEqual(smc.draws.recorded, [1000, 1000])
        XCTAssertNotNil(smc.logZ)
        XCTAssertNotNil(smc.quality(distances: false).meanError)
    }

    func testLogZFromParallelTemperingWithItsReports() throws {
        let target = try TargetFile.load(named: "lau-gmm")
        let truth = try XCTUnwrap(target.moments.logNormalizer)
        let pt = try Sampo.sample(target, with: .pt(replicas: 8, explorer: .mala), chains: 4, steps: 2_000, seed: 5)
        let z = try XCTUnwrap(pt.logZ), se = try XCTUnwrap(pt.logZStandardError)
        XCTAssertEqual(z, truth, accuracy: 5 * se)
        let reports = try XCTUnwrap(pt.temperingReports)
        XCTAssertEqual(reports.count, 4)
        XCTAssertTrue(reports.allSatisfy { $0.logZ != nil && $0.schedule.last == 1 && $0.roundTrips > 0 })
    }

    func testMisuseIsATypedError() {
        XCTAssertThrowsError(try Sampo.sample(ShiftedGaussian(), with: .rwm(stepSize: -1))) {
            guard case .invalid(.stepSize, _)? = $0 as? SampoError else { return XCTFail("\($0)") }
            XCTAssertTrue($0.localizedDescription.hasPrefix("step size: "), $0.localizedDescription)
        }
    }

    func testAGradientOfTheWrongLengthIsRefused() {
        let short = ClosureTarget(dimension: 2, logDensity: { x in -0.5 * (x[0] * x[0] + x[1] * x[1]) }, gradient: { x in [-x[0]] })
        XCTAssertThrowsError(try Sampo.sample(short, with: .mala(stepSize: 0.5), chains: 1, steps: 10)) {
            XCTAssertEqual($0 as? SampoError, .wrongLength(of: "gradient", expected: 2, received: 1))
        }
    }

    func testWarningsAndNUTSStatisticsFromTheRun() throws {
        // Two chains stuck in one mode each: the run says so, typed.
        let mixture = try GaussianMixture(weights: [0.5, 0.5], means: [[-6], [6]], covariances: .isotropic([1, 1]))
        let run = try Sampo.sample(mixture, with: .rwm(stepSize: 0.8), chains: 2, steps: 1000, warmup: 0, seed: 1, starts: [[-6], [6]])
        XCTAssertTrue(run.warnings.contains { $0.kind == .rhat && $0.parameter == "x1" }, "\(run.warnings)")
        XCTAssertNotNil(try run.summary().note)
        let nuts = try Sampo.sample(ShiftedGaussian(), with: .nuts(), chains: 2, steps: 200, seed: 3, samplerStatistics: true)
        let stats = try XCTUnwrap(nuts.samplerStatistics)
        XCTAssertEqual(stats.map(\.treeDepth.count), [200, 200])
        XCTAssertEqual(stats[0].leapfrogSteps.reduce(0, +) + stats[1].leapfrogSteps.reduce(0, +),
                       nuts.counts.gradientEvaluations - (nuts.chains?.outcomes.reduce(0) { $0 + $1.warmupCounts.gradientEvaluations } ?? 0))
    }
}
