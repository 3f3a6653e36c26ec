import SampoCore
import SampoDiagnostics
/// How close a sample is to its target: errors against known moments, distances to exact draws,
/// kernel Stein discrepancy (needs only the gradient) and, for mixtures, the mode-weight error.
/// Each is nil where it does not apply (no known moments, no exact sampler, not a mixture).
public struct SampleQuality: Sendable {
    /// O(n²) statistics (KSD, energy distance) use at most this many evenly thinned points.
    public static let quadraticCap = 2000
    /// Sliced W₂ uses at most this many evenly thinned points.
    public static let slicedCap = 20_000
    /// Seed of the internal exact reference draws (fixed, so results are reproducible).
    public static let referenceSeed: UInt64 = 20_240_601

    public var points = 0
    public var meanError: Double?
    public var covarianceError: Double?
    public var slicedW2: Double?
    public var energyDistance: Double?
    public var ksd: Double?
    public var modeWeightTV: Double?
    public var minBulkESS: Double?
    public var maxRhat: Double?
    /// Points used by the O(n²) statistics (less than `points` when thinned).
    public var quadraticPoints = 0
    /// Statistics that could not be computed, each with the reason (for reports: a line that
    /// silently disappears reads as "not applicable").
    public var unavailable: [(statistic: String, reason: String)] = []

    public init() {}

    /// Quality of `points` (pooled draws) against `target`.
    public init(points all: [[Double]], target: NamedTarget, distances: Bool = true) {
        let d = all.first?.count ?? target.dimension
        var flat: [Double] = []
        flat.reserveCapacity(all.count * d)
        for p in all { flat.append(contentsOf: p) }
        let draws = Draws(chains: 1, capacity: all.count, dimension: d, values: flat)
        self.init(draws: draws, chains: [0], target: target, distances: distances)
    }

    /// Quality of a run's draws, over the chains that did not diverge, with convergence diagnostics.
    /// `summaries` are the chains' parameter summaries when the caller has them already (they
    /// cost as much as the rest together on long runs); otherwise they are computed here.
    public init(run: ChainRun, target: NamedTarget, distances: Bool = true, summaries: [ParameterSummary]? = nil) {
        let healthy = run.outcomes.indices.filter { run.outcomes[$0].divergedAt == nil && run.draws.recorded[$0] > 1 }
        guard !healthy.isEmpty else { self.init(); return }
        self.init(draws: run.draws, chains: healthy, target: target, distances: distances)
        if let rows = summaries ?? (try? DrawsSummary.summarize(run.draws, chains: healthy)) {
            minBulkESS = rows.compactMap(\.essBulk).min()
            maxRhat = rows.compactMap(\.rhat).max()
        }
    }

    /// Quality of the recorded draws of `chains`, read in place (no copy of the draws is made:
    /// long runs hold nothing but their draws and the thinned subsets of the O(n²) statistics).
    public init(draws: Draws, chains: [Int], target: NamedTarget, distances: Bool = true) {
        let d = draws.dimension
        let total = chains.reduce(0) { $0 + draws.recorded[$1] }
        points = total
        guard total > 0 else { return }
        // Global index k of the pooled points (chain-major) → its first coordinate in `values`.
        func offset(_ k: Int) -> Int {
            var k = k
            for c in chains {
                if k < draws.recorded[c] { return (c * draws.capacity + k) * d }
                k -= draws.recorded[c]
            }
            return 0
        }
        func evenlyThinned(cap: Int) -> [[Double]] {
            Distances.evenlyThinnedIndices(count: total, cap: cap).map { k in
                let o = offset(k)
                return draws.withValues { Array($0[o..<(o + d)]) }
            }
        }
        func forEachPoint(_ body: (UnsafePointer<Double>) -> Void) {
            for c in chains {
                draws.forEachBlock(chain: c) { block in
                    for row in stride(from: 0, to: block.count, by: d) { body(block.baseAddress! + row) }
                }
            }
        }
        let mean = SampleMoments.mean(count: total, dimension: d, visit: forEachPoint)
        if let m = target.moments.mean {
            let e = SampleMoments.distance(mean, m)
            if e.isFinite { meanError = e } else { unavailable.append(("mean error", "not finite (the draws are too large)")) }
        }
        if let exact = target.moments.covariance, total > 1 {
            let cov = SampleMoments.covariance(count: total, mean: mean, visit: forEachPoint)
            let e = SampleMoments.distance(cov, exact)
            if e.isFinite { covarianceError = e } else { unavailable.append(("cov error", "not finite (the draws are too large)")) }
        }
        if let mixture = target.density as? any MixtureModes {
            var counts = [Int](repeating: 0, count: mixture.weights.count)
            forEachPoint { p in
                let l = mixture.mostResponsibleComponent(at: p)
                if l >= 0 && l < counts.count { counts[l] += 1 }
            }
            modeWeightTV = Distances.modeWeightTV(counts: counts, weights: mixture.weights, total: total)
        }
        guard distances else { return }
        let small = evenlyThinned(cap: Self.quadraticCap)
        quadraticPoints = small.count
        let scores = small.map { target.density.logDensityAndGradient($0).1 }
        if scores.allSatisfy({ $0.allSatisfy(\.isFinite) }) {
            let k = Distances.kernelSteinDiscrepancy(points: small, scores: scores)
            if k.isFinite { ksd = k } else { unavailable.append(("KSD", "not finite (the draws or scores are too large)")) }
        } else {
            unavailable.append(("KSD", "the gradient of the log density is not finite at some draws"))
        }
        if let exact = target.exactSampler {
            let sliced = evenlyThinned(cap: Self.slicedCap)
            let reference = Self.exactDraws(exact, dimension: target.dimension, count: sliced.count)
            let w = Distances.slicedWasserstein2(sliced, reference)
            if w.isFinite { slicedW2 = w } else { unavailable.append(("sliced W₂", "not finite (the draws are too large)")) }
            let e = Distances.energyDistance(small, Distances.evenlyThinned(reference, cap: small.count))
            if e.isFinite { energyDistance = e } else { unavailable.append(("energy distance", "not finite (the draws are too large)")) }
        } else {
            unavailable.append(("sliced W₂, energy distance", "no exact sampler for this target"))
        }
    }

    static func exactDraws(_ sampler: any ExactSampler, dimension d: Int, count: Int) -> [[Double]] {
        let rng = RandomStream(seed: referenceSeed, stream: 0)
        var x = [Double](repeating: 0, count: d)
        return (0..<count).map { _ in
            x.withUnsafeMutableBufferPointer { sampler.drawExact(into: $0.baseAddress!, rng: rng) }
            return x
        }
    }

    /// Lines for a terminal report.
    public var lines: [String] {
        func f(_ x: Double) -> String { x.formatted4 }
        var out: [String] = []
        if let e = meanError { out.append("mean error (‖·‖₂)      \(f(e))") }
        if let e = covarianceError { out.append("cov error (‖·‖_F)      \(f(e))") }
        if let e = slicedW2 { out.append("sliced W₂              \(f(e))  (vs \(min(points, Self.slicedCap)) exact draws)") }
        if let e = energyDistance { out.append("energy distance        \(f(e))  (\(quadraticPoints) points)") }
        if let e = ksd { out.append("KSD (IMQ)              \(f(e))  (\(quadraticPoints) points\(quadraticPoints < points ? ", evenly thinned" : ""))") }
        if let e = modeWeightTV { out.append("mode-weight TV         \(f(e))") }
        if let e = minBulkESS { out.append("min bulk-ESS           \(String(format: "%.1f", e))") }
        if let e = maxRhat { out.append("max R-hat              \(String(format: "%.4f", e))") }
        for (statistic, reason) in unavailable { out.append("\(statistic): not computed, \(reason)") }
        return out
    }
}

import Foundation

extension Double {
    var formatted4: String { isFinite ? String(format: "%.4g", self) : "\(self)" }
}
