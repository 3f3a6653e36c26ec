import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// Every Markov kernel of the registry (issue 29 §1): its state and its random stream written
/// mid-run and read into a fresh kernel built with the same settings (started elsewhere, on another
/// stream) give the same transitions, bit for bit — positions, acceptances, what the kernel reports
/// of each transition — with the same counts and metric. Checkpoints are taken at five points of the
/// run, so a piece of state left out shows at the first of them where it matters (a rejected or
/// downhill step). Parallel tempering's state (replicas, schedule rounds) is not there yet and is
/// named, not skipped silently.
final class KernelCheckpointTests: XCTestCase {
    /// The next 25 transitions: accepted or not, the position, and the reported statistics (which
    /// carry the cached log density even on a rejected step).
    private func trail(_ k: any MarkovKernel, _ rng: RandomStream) -> [UInt64] {
        var out: [UInt64] = []
        for _ in 0..<25 {
            out.append(k.step(rng: rng) ? 1 : 0)
            out += UnsafeBufferPointer(start: k.position, count: k.dimension).map(\.bitPattern)
            if let t = (k as? any TransitionReporting)?.lastTransition {
                out += [t.acceptStatistic.bitPattern, t.energy.bitPattern, UInt64(t.leapfrogSteps), UInt64(t.treeDepth),
                        t.divergent ? 1 : 0, t.stepSize.bitPattern]
            }
        }
        return out
    }

    func testEveryKernelContinuesFromItsCheckpoint() throws {
        let smooth = try TargetFile.load(named: "lau-gmm"), composite = try TargetFile.load(named: "lau-gmm-l1prior")
        var notYet: [String] = []
        for info in SamplerCatalog.all where !info.isPopulation {
            let target = info.family == .proximal ? composite : smooth
            func fresh(_ start: [Double]) throws -> any MarkovKernel {
                let k = try info.makeKernel(target: target.density, stepSize: info.defaultStepSize ?? 0.1)
                _ = try? (k as? any MetricCarrying)?.adapt(inverseMetric: .diagonal([0.5, 2.0]))   // klmc takes none
                _ = start.withUnsafeBufferPointer { k.reset(to: $0.baseAddress!) }
                return k
            }
            guard try fresh([0, 0]) is any Checkpointable else { notYet.append(info.name); continue }
            var last = CheckpointWriter()
            for taken in [37, 40, 43, 46, 49] {
                let label = "\(info.name) after \(taken) steps"
                let original = try fresh([0.3, -0.4]), rng = RandomStream(seed: 5, stream: 1)
                for _ in 0..<taken { _ = original.step(rng: rng) }
                var w = CheckpointWriter()
                try XCTUnwrap(original as? any Checkpointable).writeState(to: &w)
                rng.writeState(to: &w)
                let expected = trail(original, rng)

                let copy = try fresh([6.0, -7.0]), other = RandomStream(seed: 99)
                var r = CheckpointReader(w.bytes)
                try XCTUnwrap(copy as? any Checkpointable).readState(from: &r)
                try other.readState(from: &r)
                XCTAssertTrue(r.isAtEnd, label)
                XCTAssertEqual(trail(copy, other), expected, label)
                XCTAssertEqual(copy.counts, original.counts, label)
                XCTAssertEqual(copy.nanProposals, original.nanProposals, label)
                XCTAssertEqual((copy as? any MetricCarrying)?.inverseMetric, (original as? any MetricCarrying)?.inverseMetric, label)
                last = w
            }
            // Another kernel's state is refused by name.
            let wrong = try SamplerCatalog.named(info.name == "ula" ? "mala" : "ula").makeKernel(target: smooth.density, stepSize: 0.1)
            var again = CheckpointReader(last.bytes)
            XCTAssertThrowsError(try XCTUnwrap(wrong as? any Checkpointable).readState(from: &again), info.name)
        }
        XCTAssertEqual(notYet, ["pt"], "kernels whose state a checkpoint does not hold yet")
    }
}
