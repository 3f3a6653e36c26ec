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
    /// The thinned subsets hold at most this many values (points × dimension) each, so a run on a
    /// 65 536-pixel image computes its KSD from 32 points instead of copying 2 000 images twice.
    public static let quadraticValuesCap = 1 << 21
    public static let slicedValuesCap = 1 << 23
    /// Seed of the internal exact reference draws (fixed, so results are reproducible).
    public static let referenceSeed: UInt64 = 20_240_601

    public var points = 0
    public var meanError: Double?
    public var covarianceError: Double?
    public var slicedW2: Double?
    public var energyDistance: Double?
    public var ksd: Double?
    public var modeWeightTV: Double?
    /// Markov runs on mixtures: each chain's time in each mode, and whether the chains agree.
    public var modeOccupancy: ModeOccupancy?
    /// What may make these results wrong without looking wrong: Stan's sampler warnings and
    /// ArviZ's convergence checks (Markov runs), chains that disagree about the modes' weights or
    /// about log Ẑ beyond their own errors. Empty when nothing was found.
    public var warnings: [RunWarning] = []
    public var minBulkESS: Double?
    public var maxRhat: Double?
    /// `minBulkESS`, `maxRhat` and the convergence warnings are of every `convergenceStride`-th
    /// draw (1: all of them).
    public var convergenceStride = 1
    /// Image posteriors with a known truth: PSNR (dB) and SSIM of the posterior mean.
    public var psnr: Double?
    public var ssim: Double?
    /// Points used by the O(n²) statistics (less than `points` when thinned).
    public var quadraticPoints = 0
    /// Points (and exact draws) used by sliced W₂.
    public var slicedPoints = 0
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

    /// Adds Σ (x − mean)(x − mean)ᵀ over the rows of `block` to the lower triangle of `cov`.
    static func addCrossProducts(_ block: UnsafeBufferPointer<Double>, dimension d: Int, mean: [Double], to cov: inout [Double]) {
        mean.withUnsafeBufferPointer { m in
            cov.withUnsafeMutableBufferPointer { c in
                for row in stride(from: 0, to: block.count, by: d) {
                    let p = block.baseAddress! + row
                    for a in 0..<d { for b in 0...a { c[a * d + b] += (p[a] - m[a]) * (p[b] - m[b]) } }
                }
            }
        }
    }

    /// Counts the rows of `block` by their most responsible component (the mixture is opened
    /// once per block, not copied per row).
    static func countModes<M: MixtureModes>(_ mixture: M, _ block: UnsafeBufferPointer<Double>, dimension d: Int,
                                            into counts: inout [Int]) {
        let modes = counts.count
        counts.withUnsafeMutableBufferPointer { c in
            for row in stride(from: 0, to: block.count, by: d) {
                let l = mixture.mostResponsibleComponent(at: block.baseAddress! + row)
                if l >= 0 && l < modes { c[l] += 1 }
            }
        }
    }

    /// Quality of a run's draws, over the chains that did not diverge, with convergence diagnostics.
    /// `summaries` are the chains' parameter summaries when the caller has them already (they
    /// cost as much as the rest together on long runs); otherwise they are computed here.
    /// `convergenceStride` thins the draws of the convergence check computed here (not given summaries).
    public init(run: ChainRun, target: NamedTarget, distances: Bool = true, summaries: [ParameterSummary]? = nil,
                convergenceStride: Int = 1) {
        let healthy = run.outcomes.indices.filter { run.outcomes[$0].divergedAt == nil && run.draws.recorded[$0] > 1 }
        if healthy.isEmpty {
            self.init()
        } else {
            self.init(draws: run.draws, chains: healthy, target: target, distances: distances, modeSeries: true)
            if let estimate = LogNormalizerEstimate(outcomes: healthy.map { run.outcomes[$0] }) {
                warnings += [estimate.warning(runsCalled: "chains"), estimate.warning(knownLogZ: target.moments.logNormalizer)]
                    .compactMap { $0.map { RunWarning(kind: .logZ, message: $0) } }
            }
            let names = run.draws.dimension == target.dimension ? target.parameterNames
                : (target.density as? any ReportedCoordinates)?.reportedNames
            if summaries == nil { self.convergenceStride = max(1, convergenceStride) }
            if let rows = summaries ?? (try? DrawsSummary.summarize(run.draws, names: names, chains: healthy, every: self.convergenceStride)) {
                minBulkESS = rows.compactMap(\.essBulk).min()
                maxRhat = rows.compactMap(\.rhat).max()
                warnings += RunWarning.convergenceWarnings(rows, chains: healthy.count)
            }
        }
        warnings = RunWarning.chainWarnings(run.outcomes) + RunWarning.explodingChains(run.draws, chains: healthy) + warnings
        let fellBack = run.outcomes.enumerated().filter { $0.element.metricFallbacks > 0 }
        if !fellBack.isEmpty {
            warnings.append(RunWarning(kind: .metricFit, message: "the metric fit of warm-up could not be made in " + fellBack.map { "chain \($0.offset + 1) (\($0.element.metricFallbacks) window(s))" }
                .joined(separator: ", ") + ": a simpler one was used there (fisher-dense from a window no longer than the dimension: "
                + "the diagonal Fisher fit; fisher-diag where a gradient did not vary: Stan's variances; a metric not positive definite: the previous one)"))
        }
        // Image posteriors: the posterior mean from the running moments, else from the draws.
        if let truth = (target.density as? any HasImageTruth)?.imageTruth {
            var mean: [Double]?
            if let m = run.moments, m.count > 0 {
                mean = (0..<m.dimension).map { m.mean($0) }
            } else if !healthy.isEmpty {
                // Read in blocks that go back to the file as they are read (a file-backed run's
                // draws would otherwise all become resident).
                let d = target.dimension
                var sum = [Double](repeating: 0, count: d), n = 0
                for c in healthy {
                    run.draws.forEachBlock(chain: c) { block in
                        for row in stride(from: 0, to: block.count, by: d) { for j in 0..<d { sum[j] += block[row + j] } }
                        n += block.count / d
                    }
                }
                mean = sum.map { $0 / Double(n) }
            }
            if let mean {
                psnr = ImageQuality.psnr(mean, truth: truth.pixels)
                ssim = ImageQuality.ssim(mean, truth: truth.pixels, rows: truth.rows, cols: truth.cols)
            }
        }
    }

    /// Quality of the recorded draws of `chains`, read in place (no copy of the draws is made:
    /// long runs hold nothing but their draws and the thinned subsets of the O(n²) statistics).
    /// `modeSeries`: the draws are Markov chains, so each chain's sequence of modes is kept
    /// (thinned to `ModeOccupancy.seriesCap`) for `modeOccupancy`.
    public init(draws: Draws, chains: [Int], target: NamedTarget, distances: Bool = true, modeSeries: Bool = false) {
        let d = draws.dimension
        let total = chains.reduce(0) { $0 + draws.recorded[$1] }
        points = total
        guard total > 0 else { return }
        // Draws reported in other coordinates than the density's (a Stan model's constrained
        // values): nothing here can be measured against the density.
        guard d == target.dimension else {
            unavailable.append(("KSD", "the draws are reported on the constrained scale; the density is on the unconstrained space"))
            return
        }
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
            // Reading scattered points maps their neighbours too (the kernel's fault-around, 64 kB):
            // each point's window goes back at once, or a long run's draws enter the resident set.
            let window = 8192
            return Distances.evenlyThinnedIndices(count: total, cap: cap).map { k in
                let o = offset(k)
                let point = draws.withValues { Array($0[o..<(o + d)]) }
                let start = o / window * window
                draws.storage.release(offset: start, count: min(window + d, draws.storage.count - start))
                return point
            }
        }
        // Sums over each chain on all cores, added in chain order (the result does not depend on
        // the cores): long runs read their draws twice, for the mean, then the covariance and modes.
        let mixture = target.density as? any MixtureModes
        let wantCovariance = target.moments.covariance != nil && total > 1
        let sums = Parallel.map(count: chains.count) { i -> [Double] in
            var s = [Double](repeating: 0, count: d)
            draws.forEachBlock(chain: chains[i]) { block in
                for row in stride(from: 0, to: block.count, by: d) { for j in 0..<d { s[j] += block[row + j] } }
            }
            return s
        }
        var pooled = [Double](repeating: 0, count: d)
        for s in sums { for j in 0..<d { pooled[j] += s[j] } }
        let mean = pooled.map { $0 / Double(total) }
        let modes = mixture?.weights.count ?? 0
        let keepLabels = modeSeries && mixture != nil
        let second = Parallel.map(count: chains.count) { i -> (cov: [Double], counts: [Int], labels: [Int32]) in
            var cov = [Double](repeating: 0, count: wantCovariance ? d * d : 0)
            var counts = [Int](repeating: 0, count: modes)
            var labels: [Int32] = []
            let every = max(1, (draws.recorded[chains[i]] + ModeOccupancy.seriesCap - 1) / ModeOccupancy.seriesCap)
            var row = 0
            draws.forEachBlock(chain: chains[i]) { block in
                if wantCovariance { Self.addCrossProducts(block, dimension: d, mean: mean, to: &cov) }
                if let mixture {
                    Self.countModes(mixture, block, dimension: d, into: &counts)
                    if keepLabels {
                        for r in stride(from: 0, to: block.count, by: d) {
                            if row % every == 0 { labels.append(Int32(mixture.mostResponsibleComponent(at: block.baseAddress! + r))) }
                            row += 1
                        }
                    }
                }
            }
            return (cov, counts, labels)
        }
        if let m = target.moments.mean {
            let e = SampleMoments.distance(mean, m)
            if e.isFinite { meanError = e } else { unavailable.append(("mean error", "not finite (the draws are too large)")) }
        }
        if let exact = target.moments.covariance, wantCovariance {
            var cov = [Double](repeating: 0, count: d * d)
            for part in second { for k in 0..<(d * d) { cov[k] += part.cov[k] } }
            for a in 0..<d { for b in 0...a { cov[a * d + b] /= Double(total - 1); cov[b * d + a] = cov[a * d + b] } }
            let e = SampleMoments.distance(cov, exact)
            if e.isFinite { covarianceError = e } else { unavailable.append(("cov error", "not finite (the draws are too large)")) }
        }
        if let mixture {
            var counts = [Int](repeating: 0, count: modes)
            for part in second { for l in 0..<modes { counts[l] += part.counts[l] } }
            modeWeightTV = Distances.modeWeightTV(counts: counts, weights: mixture.weights, total: total)
            if keepLabels {
                modeOccupancy = ModeOccupancy(labels: second.map(\.labels), modes: modes, knownWeights: mixture.weights)
            } else {
                // Independent runs (population samplers): each run's fractions, errors between runs.
                let fractions = zip(chains, second).map { c, part in part.counts.map { Double($0) / Double(max(draws.recorded[c], 1)) } }
                modeOccupancy = ModeOccupancy(runFractions: fractions, knownWeights: mixture.weights)
            }
            warnings += (modeOccupancy?.warnings ?? []).map { RunWarning(kind: .modeWeights, message: $0) }
        }
        guard distances else { return }
        let small = evenlyThinned(cap: min(Self.quadraticCap, max(2, Self.quadraticValuesCap / max(d, 1))))
        quadraticPoints = small.count
        let scores = small.map { target.density.logDensityAndGradient($0).1 }
        if scores.allSatisfy({ $0.allSatisfy(\.isFinite) }) {
            let k = Distances.kernelSteinDiscrepancy(points: small, scores: scores)
            if k.isFinite { ksd = k } else { unavailable.append(("KSD", "not finite (the draws or scores are too large)")) }
        } else {
            unavailable.append(("KSD", "the gradient of the log density is not finite at some draws"))
        }
        if let exact = target.exactSampler {
            let sliced = evenlyThinned(cap: min(Self.slicedCap, max(2, Self.slicedValuesCap / max(d, 1))))
            slicedPoints = sliced.count
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
    /// 2nd, 3rd, 11th, 21st, …
    static func ordinal(_ k: Int) -> String {
        let suffix = (11...13).contains(k % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][k % 10] ?? "th"
        return "\(k)\(suffix)"
    }

    public var lines: [String] {
        func f(_ x: Double) -> String { x.formatted4 }
        var out: [String] = []
        if let e = meanError { out.append("mean error (‖·‖₂)      \(f(e))") }
        if let e = covarianceError { out.append("cov error (‖·‖_F)      \(f(e))") }
        if let e = slicedW2 { out.append("sliced W₂              \(f(e))  (vs \(slicedPoints) exact draws)") }
        if let e = energyDistance { out.append("energy distance        \(f(e))  (\(quadraticPoints) points)") }
        if let e = ksd { out.append("KSD (IMQ)              \(f(e))  (\(quadraticPoints) points\(quadraticPoints < points ? ", evenly thinned" : ""))") }
        if let e = modeWeightTV { out.append("mode-weight TV         \(f(e))") }
        let thinned = convergenceStride > 1 ? "  (of every \(Self.ordinal(convergenceStride)) draw)" : ""
        if let e = minBulkESS { out.append("min bulk-ESS           \(String(format: "%.1f", e))" + thinned) }
        if let e = maxRhat { out.append("max R-hat              \(String(format: "%.4f", e))" + thinned) }
        if let e = psnr { out.append("PSNR of the mean       \(String(format: "%.2f", e)) dB") }
        if let e = ssim { out.append("SSIM of the mean       \(String(format: "%.4f", e))") }
        for (statistic, reason) in unavailable { out.append("\(statistic): not computed, \(reason)") }
        return out
    }
}

import Foundation

extension Double {
    var formatted4: String { isFinite ? String(format: "%.4g", self) : "\(self)" }
}
