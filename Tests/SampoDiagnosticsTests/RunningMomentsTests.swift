import Foundation
import XCTest
import Sampo
import SampoTestSupport

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

    /// A moments-only run with its (empty) draws on disk, long enough that a run keeping draws would
    /// hand pages back several times: it must release nothing (an earlier version released pages
    /// past its 8-byte mapping, zeroing other memory), and it streams the moments of the in-memory run.
    func testMomentsOnlyRunOnDiskMatchesInMemory() throws {
        let d = 1024
        let target = NamedTarget(name: "g1024", density: try GaussianMixture(weights: [1], means: [[Double](repeating: 0.5, count: d)],
                                                                            covariances: .isotropic([1])))
        var settings = RunSettings(chains: 2, steps: 4000, warmup: 0, seed: 4, jobs: 2)
        settings.momentProbabilities = [0.5]
        let kept = try SamplingJob(target: target, sampler: try SamplerCatalog.named("ula"), stepSize: 0.1, settings: settings).run()
        settings.keepDraws = false
        settings.drawsOnDisk = true
        let streamed = try SamplingJob(target: target, sampler: try SamplerCatalog.named("ula"), stepSize: 0.1, settings: settings).run()
        let a = try XCTUnwrap(kept.moments), b = try XCTUnwrap(streamed.moments)
        for j in stride(from: 0, to: d, by: 97) {
            XCTAssertEqual(a.mean(j), b.mean(j)); XCTAssertEqual(a.variance(j), b.variance(j)); XCTAssertEqual(a.quantile(j, 0), b.quantile(j, 0))
        }
        // Releases are clipped to the storage.
        let storage = DrawsStorage(count: 1, onDisk: true)
        storage.base[0] = 7
        storage.release(offset: 1 << 20, count: 1 << 20)
        XCTAssertEqual(storage.base[0], 7)
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

    /// The packed, branch-free update is P² as Jain and Chlamtac state it, marker by marker: the
    /// same estimates to the last bit, from one draw to many, below the minimum and above the maximum.
    func testP2MatchesTheFiveMarkerAlgorithm() {
        let probabilities = [0.05, 0.25, 0.5, 0.9]
        let rng = RandomStream(seed: 21)
        for length in [1, 3, 5, 6, 7, 50, 20_000] {
            var m = RunningMoments(dimension: 2, probabilities: probabilities)
            var reference = probabilities.map { ReferenceP2(p: $0) }
            for t in 0..<length {
                // A drifting, heavy-tailed stream with ties, so every branch of P² is taken.
                let v = t % 97 == 0 ? 3.0 : rng.normal() / max(rng.uniform(), 0.05) + Double(t) * 1e-3
                let x = [v, -v]
                x.withUnsafeBufferPointer { m.add($0.baseAddress!) }
                for k in reference.indices { reference[k].add(v) }
            }
            for k in probabilities.indices {
                XCTAssertEqual(m.quantile(0, k), reference[k].estimate, "n = \(length), p = \(probabilities[k])")
            }
        }
    }
}

/// P² with its five markers kept explicitly, written from the paper for the test above.
private struct ReferenceP2 {
    let p: Double
    var q = [Double](), n = [Double](repeating: 0, count: 5), count = 0

    mutating func add(_ x: Double) {
        count += 1
        if count <= 5 {
            q.append(x); q.sort(); n = [1, 2, 3, 4, 5]
            return
        }
        var k: Int
        if x < q[0] { q[0] = x; k = 0 } else if x >= q[4] { q[4] = x; k = 3 } else { k = 0; while k < 3 && x >= q[k + 1] { k += 1 } }
        for i in (k + 1)..<5 { n[i] += 1 }
        let desired = [p / 2, p, (1 + p) / 2].map { 1 + Double(count - 1) * $0 }
        for i in 1...3 {
            let d = desired[i - 1] - n[i]
            guard (d >= 1 && n[i + 1] - n[i] > 1) || (d <= -1 && n[i - 1] - n[i] < -1) else { continue }
            let s = d >= 0 ? 1.0 : -1.0
            let parabolic = q[i] + s / (n[i + 1] - n[i - 1]) * ((n[i] - n[i - 1] + s) * (q[i + 1] - q[i]) / (n[i + 1] - n[i])
                                                                + (n[i + 1] - n[i] - s) * (q[i] - q[i - 1]) / (n[i] - n[i - 1]))
            if q[i - 1] < parabolic && parabolic < q[i + 1] { q[i] = parabolic } else {
                let o = i + Int(s)
                q[i] += s * (q[o] - q[i]) / (n[o] - n[i])
            }
            n[i] += s
        }
    }

    /// The middle marker, or the interpolated order statistic of the first five values.
    var estimate: Double {
        guard count > 5 else {
            let h = Double(count - 1) * p, lo = Int(h.rounded(.down)), hi = min(lo + 1, count - 1)
            return q[lo] + (h - Double(lo)) * (q[hi] - q[lo])
        }
        return q[2]
    }
}
