import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// A result that may be wrong says so: Stan's sampler warnings and ArviZ's convergence checks in
/// the Swift values, and targets whose gradient has the wrong length refused before sampling.
final class WarningTests: XCTestCase {
    func testDivergencesOnAFunnelAreWarnedInTheValuesAndTheNote() throws {
        // Stan's own algorithm (diagonal metric, Stan's windows) diverges on Neal's funnel.
        let funnel = try TargetFile.load(named: "funnel")
        let run = try Sampo.sample(funnel, with: .nuts(metric: .diag, adaptation: .stan), chains: 4, steps: 1000, seed: 1, jobs: 2,
                                   samplerStatistics: true)
        let warnings = run.warnings
        let divergent = warnings.filter { $0.kind == .divergentTransitions }
        XCTAssertFalse(divergent.isEmpty, "\(warnings)")
        // Each names its chain, and the count is the chain's own count of divergent__ = 1.
        let stats = try XCTUnwrap(run.samplerStatistics)
        for w in divergent {
            let c = try XCTUnwrap(w.chain)
            XCTAssertEqual(w.value, Double(stats[c].divergent.filter { $0 }.count))
            XCTAssertEqual(w.threshold, 0)
        }
        XCTAssertEqual(divergent.count, stats.filter { $0.divergent.contains(true) }.count)
        // The funnel's neck is not mixed in 1 000 draws: R-hat names parameters by the target's names.
        XCTAssertTrue(warnings.contains { $0.kind == .rhat && $0.parameter == "x1" && ($0.value ?? 0) > 1.01 }, "\(warnings)")
        let note = try XCTUnwrap(try run.summary().note, "the summary must carry the warnings")
        XCTAssertTrue(note.contains("transitions after warm-up diverged"), note)
        XCTAssertTrue(note.contains("R-hat > 1.01"), note)
    }

    func testEBFMIAndTreeDepthAgreeWithTheRecordedStatistics() throws {
        // A tree depth of 3 is too short for gaussian-illcond's condition number: most transitions saturate.
        let illcond = try TargetFile.load(named: "gaussian-illcond")
        let run = try Sampo.sample(illcond, with: .nuts(maxDepth: 3, metric: .unit), chains: 2, steps: 400, seed: 2, jobs: 2,
                                   samplerStatistics: true)
        let stats = try XCTUnwrap(run.samplerStatistics)
        let outcomes = try XCTUnwrap(run.chains?.outcomes)
        for c in 0..<2 {
            let s = stats[c]
            XCTAssertEqual(s.energy.count, 400)
            XCTAssertEqual(outcomes[c].treeDepthSaturations, s.treeDepth.filter { $0 >= 3 }.count)
            XCTAssertGreaterThan(outcomes[c].treeDepthSaturations, 0)
            // ArviZ's bfmi: mean of squared successive differences over the (population) variance.
            let e = s.energy, n = Double(e.count)
            let jumps = zip(e.dropFirst(), e).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / (n - 1)
            let mean = e.reduce(0, +) / n
            let variance = e.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n
            XCTAssertEqual(try XCTUnwrap(outcomes[c].ebfmi), jumps / variance, accuracy: 1e-9 * jumps / variance)
        }
        let depth = run.warnings.filter { $0.kind == .maxTreeDepth }
        XCTAssertEqual(depth.count, 2, "\(run.warnings)")
        XCTAssertEqual(depth.map(\.threshold), [3, 3])
    }

    func testAChainThatNeverMovesAndChainsInDifferentModesAreWarned() throws {
        let mixture = try GaussianMixture(weights: [0.5, 0.5], means: [[-6, 0], [6, 0]], covariances: .isotropic([1, 1]))
        // A step size far too large: nothing is accepted.
        let stuck = try Sampo.sample(mixture, with: .rwm(stepSize: 1e6), chains: 2, steps: 200, warmup: 0, seed: 1)
        XCTAssertEqual(stuck.warnings.filter { $0.kind == .stuckChain }.compactMap(\.chain), [0, 1], "\(stuck.warnings)")
        // Two chains, one per mode, with steps too small to cross: R-hat sees it.
        let apart = try Sampo.sample(mixture, with: .rwm(stepSize: 0.8), chains: 2, steps: 2000, warmup: 0, seed: 1,
                                     starts: [[-6, 0], [6, 0]])
        let rhat = apart.warnings.filter { $0.kind == .rhat }
        XCTAssertGreaterThan(try XCTUnwrap(rhat.first { $0.parameter == "x1" }?.value, "\(apart.warnings)"), 1.5)
        XCTAssertTrue(apart.warnings.contains { $0.kind == .modeWeights }, "\(apart.warnings)")
    }

    func testNoFalseAlarmsOnAWellBehavedTarget() throws {
        let illcond = try TargetFile.load(named: "gaussian-illcond")
        let run = try Sampo.sample(illcond, with: .nuts(), chains: 4, steps: 1000, seed: 1, jobs: 2)
        XCTAssertEqual(run.warnings, [])
        XCTAssertNil(try run.summary().note)
    }

    func testAGradientOfTheWrongLengthIsATypedErrorBeforeSampling() throws {
        // One coordinate too few from a closure: refused, naming both lengths.
        let short = ClosureTarget(dimension: 3, logDensity: { x in -0.5 * x.reduce(0) { $0 + $1 * $1 } },
                                  gradient: { x in [-x[0], -x[1]] })
        XCTAssertThrowsError(try Sampo.sample(short, with: .mala(stepSize: 0.5), chains: 2, steps: 10)) {
            XCTAssertEqual($0 as? SampoError, .wrongLength(of: "gradient", expected: 3, received: 2))
            XCTAssertEqual($0.localizedDescription, "the target's gradient has 2 coordinates, expected 3 (its dimension)")
        }
        XCTAssertThrowsError(try Sampo.sample(short, with: .smc(), chains: 2)) {
            XCTAssertEqual($0 as? SampoError, .wrongLength(of: "gradient", expected: 3, received: 2))
        }
        // A conformance that writes one coordinate too few, or one too many.
        XCTAssertThrowsError(try Sampo.sample(Writing(dimension: 4, writes: 3), with: .nuts(), chains: 1, steps: 10)) {
            XCTAssertEqual($0 as? SampoError, .wrongLength(of: "gradient", expected: 4, received: 3))
        }
        XCTAssertThrowsError(try Sampo.sample(Writing(dimension: 4, writes: 5), with: .nuts(), chains: 1, steps: 10)) {
            XCTAssertEqual($0 as? SampoError, .wrongLength(of: "gradient", expected: 4, received: 5))
        }
        XCTAssertNoThrow(try Sampo.sample(Writing(dimension: 4, writes: 4), with: .nuts(), chains: 1, steps: 10))
    }

    func testErrorsShowTheirMessageThroughFoundation() {
        let error: Error = SampoError.invalid(.stepSize, "expected a positive number, found -1")
        XCTAssertEqual(error.localizedDescription, "step size: expected a positive number, found -1")
    }
}

/// A standard normal whose gradient writes `writes` coordinates, whatever its dimension says.
private struct Writing: LogDensity {
    let dimension: Int
    let writes: Int
    func logDensity(at x: UnsafePointer<Double>) -> Double { (0..<dimension).reduce(0) { $0 - 0.5 * x[$1] * x[$1] } }
    func logDensityAndGradient(at x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>) -> Double {
        for j in 0..<writes { gradient[j] = -(j < dimension ? x[j] : 0) }
        return logDensity(at: x)
    }
}
