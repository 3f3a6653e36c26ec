import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// Every Markov kernel of the registry (issue 29 §1): its state and its random stream written
/// mid-run and read into a fresh kernel built with the same settings (started elsewhere, on another
/// stream) give the same transitions, bit for bit — positions, acceptances, what the kernel reports
/// of each transition — with the same counts and metric. Checkpoints are taken at five points of the
/// run, so a piece of state left out shows at the first of them where it matters (a rejected or
/// downhill step). Parallel tempering included: its replicas, explorers, schedule rounds and stones.
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
        XCTAssertEqual(notYet, [], "kernels whose state a checkpoint does not hold")
    }

    /// Warm-up taken mid-way (Stan's windows with a diagonal metric, nutpie's schedule with the
    /// low-rank Fisher fit, MALA with a dense one): the kernel, the adaptation and the random stream
    /// written and read into fresh ones continue warm-up, its final step size and the sampling after
    /// it exactly as the uninterrupted run.
    func testWarmUpContinuesFromItsCheckpoint() throws {
        let target = try TargetFile.load(named: "gaussian-illcond")
        let d = target.dimension
        let cases: [(String, MetricKind, AdaptationSchedule, Int)] = [("nuts", .diag, .stan, 130), ("nuts", .fisherLowRank, .nutpie, 90),
                                                                      ("mala", .dense, .stan, 160), ("hmc", .fisherDiag, .stan, 76)]
        for (name, metric, schedule, taken) in cases {
            let label = "\(name) \(metric.rawValue) \(schedule.rawValue) after \(taken)"
            let info = try SamplerCatalog.named(name)
            func fresh(seed: UInt64, start: Double) throws -> (any MarkovKernel & StepSizeAdaptable, WarmupAdaptation, RandomStream) {
                let k = try XCTUnwrap(try info.makeKernel(target: target.density, stepSize: 0.05) as? any MarkovKernel & StepSizeAdaptable)
                let x = [Double](repeating: start, count: d)
                _ = x.withUnsafeBufferPointer { k.reset(to: $0.baseAddress!) }
                let rng = RandomStream(seed: seed, stream: 2)
                return (k, WarmupAdaptation(kernel: k, warmup: 300, target: 0.8, metric: metric, rng: rng, schedule: schedule), rng)
            }
            func rest(_ k: any MarkovKernel & StepSizeAdaptable, _ a: inout WarmupAdaptation, _ rng: RandomStream, from: Int) -> [UInt64] {
                for _ in from..<300 { _ = k.step(rng: rng); a.afterTransition() }
                var out = [a.finish().bitPattern]
                for _ in 0..<20 {
                    _ = k.step(rng: rng)
                    out += UnsafeBufferPointer(start: k.position, count: d).map(\.bitPattern) + [k.lastTransition.energy.bitPattern]
                }
                return out + [UInt64(a.fallbacks), UInt64(a.failedMetricUpdates)]
            }
            var (k, a, rng) = try fresh(seed: 3, start: 0.1)
            for _ in 0..<taken { _ = k.step(rng: rng); a.afterTransition() }
            var w = CheckpointWriter()
            try XCTUnwrap(k as? any Checkpointable).writeState(to: &w)
            a.writeState(to: &w)
            rng.writeState(to: &w)
            let expected = rest(k, &a, rng, from: taken)

            var (k2, a2, rng2) = try fresh(seed: 77, start: -0.3)
            var r = CheckpointReader(w.bytes)
            try XCTUnwrap(k2 as? any Checkpointable).readState(from: &r)
            try a2.readState(from: &r)
            try rng2.readState(from: &r)
            XCTAssertTrue(r.isAtEnd, label)
            XCTAssertEqual(rest(k2, &a2, rng2, from: taken), expected, label)
            XCTAssertEqual((k2 as? any MetricCarrying)?.inverseMetric, (k as? any MetricCarrying)?.inverseMetric, label)
        }
    }

    /// Parallel tempering checkpointed inside its warm-up (a tuning round under way, the schedule
    /// and step sizes moving) continues warm-up, its end and sampling exactly, log Ẑ included.
    func testParallelTemperingContinuesMidRound() throws {
        let lau = try TargetFile.load(named: "lau-gmm")
        let info = try SamplerCatalog.named("pt")
        func fresh(_ start: [Double]) throws -> any SelfTuningKernel & KernelReporting {
            let k = try XCTUnwrap(try info.makeKernel(target: lau.density, stepSize: 0.3, parameters: ["replicas": .integer(6)])
                                  as? any SelfTuningKernel & KernelReporting)
            _ = start.withUnsafeBufferPointer { k.reset(to: $0.baseAddress!) }
            k.beginWarmup(iterations: 200)
            return k
        }
        func rest(_ k: any SelfTuningKernel & KernelReporting, _ rng: RandomStream, from: Int) -> [UInt64] {
            for _ in from..<200 { _ = k.step(rng: rng) }
            k.endWarmup()
            var out: [UInt64] = []
            for _ in 0..<100 { _ = k.step(rng: rng); out += UnsafeBufferPointer(start: k.position, count: 2).map(\.bitPattern) }
            let t = k.report.tempering
            return out + (t?.schedule ?? []).map(\.bitPattern) + (t?.stepSizes ?? []).map(\.bitPattern)
                + [UInt64(t?.roundTrips ?? -1), (t?.logZ ?? .nan).bitPattern, UInt64(t?.tuningRounds ?? -1)]
        }
        for taken in [29, 71, 130] {
            let k = try fresh([0.5, 0.5]), rng = RandomStream(seed: 8, stream: 0)
            for _ in 0..<taken { _ = k.step(rng: rng) }
            var w = CheckpointWriter()
            try XCTUnwrap(k as? any Checkpointable).writeState(to: &w)
            rng.writeState(to: &w)
            let expected = rest(k, rng, from: taken)
            let copy = try fresh([-3, 4]), other = RandomStream(seed: 1)
            var r = CheckpointReader(w.bytes)
            try XCTUnwrap(copy as? any Checkpointable).readState(from: &r)
            try other.readState(from: &r)
            XCTAssertTrue(r.isAtEnd)
            XCTAssertEqual(rest(copy, other, from: taken), expected, "pt after \(taken) warm-up scans")
            XCTAssertEqual(copy.counts, k.counts)
        }
    }
}
