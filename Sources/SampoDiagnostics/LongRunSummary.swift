import SampoCore
import CGSL

/// The summary of one parameter of a long run, with the statistics of `ParameterSummary(parameter:chains:)`
/// but in bounded memory: the pooled ranks of the rank-normalised diagnostics come from the split
/// chains sorted one at a time (with their time indices) and merged, the sorted copies and ranks
/// live in file-backed scratch, and each effective sample size takes the leading autocovariance
/// lags by blocked FFTs, widening only when Geyer's sequence has not stopped. At any time about
/// one split chain of the parameter is held in memory (three times while sorting, once per core
/// after).
extension ParameterSummary {
    /// Values are read in blocks of this many draws for the moments.
    static let readBlock = 1 << 20

    /// Calls `body(chain, first draw, values)` on every block of `readBlock` draws, chain by chain.
    static func forEachBlock<E: Error>(_ series: ParameterSeries,
                                       _ body: (Int, Int, UnsafeBufferPointer<Double>) throws(E) -> Void) throws(E) {
        var buffer = [Double](repeating: 0, count: min(series.length, readBlock))
        for c in 0..<series.chains {
            var start = 0
            while start < series.length {
                let k = min(buffer.count, series.length - start)
                buffer.withUnsafeMutableBufferPointer { series.load(c, start, UnsafeMutableBufferPointer(rebasing: $0[0..<k])) }
                try buffer.withUnsafeBufferPointer { p throws(E) in try body(c, start, UnsafeBufferPointer(rebasing: p[0..<k])) }
                start += k
            }
        }
    }

    public init(parameter: String, series: ParameterSeries) throws(SampoError) {
        GSL.configure()
        let m = series.chains, n = series.length
        guard m > 0, n > 0 else { throw .usage("parameter '\(parameter)': no draws") }
        // Finite values, the largest magnitude and the sum, chain by chain.
        var sum = 0.0, largest = 0.0
        try Self.forEachBlock(series) { (c, start, block) throws(SampoError) in
            for i in block.indices {
                let v = block[i]
                guard v.isFinite else {
                    throw .usage("parameter '\(parameter)': chain \(c + 1), draw \(start + i + 1) is \(v) (expected a finite number)")
                }
                largest = max(largest, abs(v)); sum += v
            }
        }
        // As for arrays: statistics on the draws scaled by a power of two, scaled back.
        let scale = Self.powerOfTwoScale(largest: largest)
        guard scale == 1 else {
            self = try ParameterSummary(parameter: parameter, series: series.scaled(by: scale))
            scaleBack(scale)
            return
        }
        let total = Double(m * n)
        let mu = sum / total
        // Σ(θ − θ̄)² and Σ(θ − θ̄)⁴, each in the same order as over a pooled copy.
        var s2 = 0.0, s4 = 0.0
        Self.forEachBlock(series) { _, _, block in for v in block { let d = v - mu; s2 += d * d } }
        Self.forEachBlock(series) { _, _, block in for v in block { let d = v - mu; s4 += (d * d) * (d * d) } }
        let pooledSD = m * n > 1 ? (s2 / Double(m * n - 1)).squareRoot() : .nan
        self.parameter = parameter
        mean = mu
        sd = pooledSD.isFinite ? pooledSD : nil

        guard n >= 4 else {
            // Too short for split chains: quantiles only (the other statistics need ≥ 4 draws).
            var all = [Double](repeating: 0, count: m * n)
            all.withUnsafeMutableBufferPointer { p in
                for c in 0..<m { series.load(c, 0, UnsafeMutableBufferPointer(rebasing: p[(c * n)..<((c + 1) * n)])) }
            }
            let q = Quantiles.of(all, probabilities: [0.05, 0.5, 0.95])
            q05 = q[0]; q50 = q[1]; q95 = q[2]
            return
        }
        let runs = SplitRuns(series: series)
        let ranked = try runs.rankNormalised()
        q05 = ranked.quantiles[0]; q50 = ranked.quantiles[1]; q95 = ranked.quantiles[2]

        // ESS of the split chains of θ, (θ − θ̄)² and the tail indicators, read from the draws.
        let (q05v, q95v) = (q05, q95)
        let essMean = try runs.geyer { r, out in runs.load(r, out) }
        mcseMean = essMean.map { pooledSD / $0.squareRoot() }
        if let e = try runs.geyer({ r, out in runs.load(r, out); for i in out.indices { let d = out[i] - mu; out[i] = d * d } }) {
            let ev = s2 / total, e4 = s4 / total
            mcseSD = ev > 0 ? ((e4 - ev * ev) / e / ev / 4).squareRoot() : nil
        }
        var tail: Double?
        for q in [q05v, q95v] {
            guard let e = try runs.geyer({ r, out in runs.load(r, out); for i in out.indices { out[i] = out[i] <= q ? 1 : 0 } }) else {
                tail = nil; break
            }
            tail = min(tail ?? e, e)
        }
        essTail = tail
        essBulk = ranked.essBulk
        if let bulk = ranked.rhatBulk, let folded = ranked.rhatFolded { rhat = max(bulk, folded) }
    }
}

/// The 2m split chains of a parameter (first and last ⌊n/2⌋ draws of each chain) and the
/// computations over them that need pooled ranks.
struct SplitRuns: Sendable {
    let series: ParameterSeries
    /// Draws per split chain, and split chains.
    let half: Int, count: Int

    /// Lags the last ESS of this parameter needed: the next series starts there (the series of
    /// one parameter have similar autocorrelation times), saving transforms that would come up short.
    let lagHint = LagHint()
    final class LagHint: @unchecked Sendable { var value = 16_384 }

    /// Split-chain-sized buffers for the tasks that fill one (at most one per core at a time):
    /// fresh 400 MB arrays for every series of a 10⁸-draw run were faulted in and zeroed each time.
    let buffers: ReusePool<ScratchBuffer<Double>>

    init(series: ParameterSeries) {
        self.series = series
        half = series.length / 2
        count = 2 * series.chains
        buffers = ReusePool { [half] in ScratchBuffer<Double>(count: half, onHeap: true) }
    }

    /// Split chain `r` into `out` (`half` values).
    func load(_ r: Int, _ out: UnsafeMutableBufferPointer<Double>) {
        series.load(r / 2, r % 2 == 0 ? 0 : series.length - half, out)
    }

    /// Geyer ESS of the split chains as `fill` produces them (Stan's multi-chain formula). The
    /// autocovariances start with the leading 16 384 lags (or as many as the previous series
    /// needed) and double while the sequence has not stopped, up to the whole chain: more lags cost
    /// products of block transforms, a restart a pass over the draws, so the start is generous.
    /// The value does not depend on the lags computed, only the rounding of the transforms.
    func geyer(_ fill: @escaping @Sendable (Int, UnsafeMutableBufferPointer<Double>) -> Void) throws(SampoError) -> Double? {
        let h = half
        guard h >= 2 else { return nil }
        var lags = min(h, lagHint.value)
        defer { lagHint.value = lags }
        while true {
            let whole = lags >= h, leading = lags
            let task: @Sendable (Int) -> Result<(mean: Double, lo: Double, hi: Double, acov: [Double]), SampoError> = { r in
                let chain = buffers.borrow()
                defer { buffers.giveBack(chain) }
                let values = UnsafeMutableBufferPointer(start: chain.base, count: h)
                fill(r, values)
                var s = 0.0, lo = Double.infinity, hi = -Double.infinity
                for v in values { s += v; lo = min(lo, v); hi = max(hi, v) }
                let mean = s / Double(h)
                return Result { () throws(SampoError) in
                    let acov = whole ? try Autocovariance.compute(Array(values))
                        : try Autocovariance.leading(UnsafeBufferPointer(values), mean: mean, lags: leading)
                    return (mean, lo, hi, acov)
                }
            }
            // The whole-chain transform holds several copies of a chain: one chain at a time when long.
            let results = whole && h > 1 << 22 ? (0..<count).map(task) : Parallel.map(count: count, task)
            var acov: [[Double]] = [], means: [Double] = []
            var lo = Double.infinity, hi = -Double.infinity
            for r in results {
                let v = try r.get()
                acov.append(v.acov); means.append(v.mean); lo = min(lo, v.lo); hi = max(hi, v.hi)
            }
            if hi - lo < 1e-15 { return Double(count * h) }
            switch EffectiveSampleSize.sequence(acov: acov, available: whole ? h : lags, chainMeans: means, length: h) {
            case .done(let ess): return ess
            case .needMoreLags: lags = min(h, lags * 2)
            }
        }
    }

    struct Ranked {
        var quantiles: [Double]
        var essBulk: Double?
        var rhatBulk: Double?
        var rhatFolded: Double?
    }

    /// Pooled quantiles of the whole chains, bulk-ESS of the rank-normalised split chains and the
    /// R̂ of the rank-normalised split chains of θ and of |θ − median|.
    func rankNormalised() throws(SampoError) -> Ranked {
        let h = half, total = count * h
        guard h <= Int(Int32.max) else {
            throw .runtime("chains of \(series.length) draws are too long to rank (at most \(2 * Int(Int32.max)))")
        }
        let keys = ScratchBuffer<UInt64>(count: total)
        let order = ScratchBuffer<Int32>(count: total)
        let ranks = ScratchBuffer<Double>(count: total)
        // Each split chain sorted with the time index of every value.
        do {
            let sorter = IndexedKeySorter(capacity: h)
            for r in 0..<count {
                sorter.keys.withMemoryRebound(to: Double.self, capacity: h) { load(r, UnsafeMutableBufferPointer(start: $0, count: h)) }
                // −0 and +0 are one value (a tie), as the in-memory ranks compare them.
                for i in 0..<h { sorter.keys[i] = RadixSort.key(Double(bitPattern: sorter.keys[i]) + 0) }
                sorter.sort(count: h)
                (keys.base + r * h).update(from: sorter.keys, count: h)
                (order.base + r * h).update(from: sorter.order, count: h)
                keys.release(offset: r * h, count: h)
                order.release(offset: r * h, count: h)
            }
        }
        // The middle draw of each chain of odd length counts for the quantiles only.
        var middle: [UInt64] = []
        if series.length % 2 == 1 {
            var one = [0.0]
            for c in 0..<series.chains {
                one.withUnsafeMutableBufferPointer { series.load(c, h, $0) }
                middle.append(RadixSort.key(one[0] + 0))
            }
            middle.sort()
        }
        let all = total + middle.count
        let probabilities = [0.05, 0.5, 0.95]
        var wanted: [Int] = []
        for p in probabilities {
            let lhs = Int(p * Double(all - 1))
            wanted.append(lhs)
            if lhs + 1 < all { wanted.append(lhs + 1) }
        }
        let at = Self.mergeRanks(keys: keys, runs: count, length: h, extra: middle, ranks: ranks, wanted: Set(wanted))
        // GSL's type-7 interpolation between order statistics.
        let quantiles = probabilities.map { p -> Double in
            let index = p * Double(all - 1), lhs = Int(index), delta = index - Double(lhs)
            // Every wanted position is reached by the merge; NaN would only mark a broken merge.
            let low = at[lhs, default: .nan]
            guard lhs + 1 < all else { return low }
            return (1 - delta) * low + delta * at[lhs + 1, default: .nan]
        }
        let median = quantiles[1]
        let s = Double(total)

        // z-scores back in time order (in place of the ranks), and their R̂ moments.
        let bulkMoments = Parallel.map(count: count) { r -> (Double, Double) in
            buffers.with { chain in
                // `order` is a permutation of the time indices: every z is written once.
                let z = chain.base
                let rk = ranks.base + r * h, ix = order.base + r * h
                for j in 0..<h { z[Int(ix[j])] = gsl_cdf_ugaussian_Pinv((rk[j] - 0.375) / (s + 0.25)) }
                rk.update(from: z, count: h)
                ranks.release(offset: r * h, count: h)
                order.release(offset: r * h, count: h)
                return Self.meanAndVariance(UnsafeBufferPointer(start: chain.base, count: h))
            }
        }
        let essBulk = try geyer { r, out in
            out.baseAddress!.update(from: ranks.base + r * h, count: h)
            ranks.release(offset: r * h, count: h)
        }

        // |θ − median| sorted within each split chain: the sorted draws fold into two ascending
        // runs (below the median, read backwards, and from it up), merged.
        _ = Parallel.map(count: count) { r in
            let k = keys.base + r * h
            var split = 0, upper = h
            while split < upper {
                let mid = (split + upper) / 2
                if RadixSort.value(k[mid]) < median { split = mid + 1 } else { upper = mid }
            }
            buffers.with { chain in
                chain.base.withMemoryRebound(to: UInt64.self, capacity: h) { folded in
                    var below = split - 1, above = split
                    for j in 0..<h {
                        let fb = below >= 0 ? abs(RadixSort.value(k[below]) - median) : .infinity
                        let fa = above < h ? abs(RadixSort.value(k[above]) - median) : .infinity
                        if fb <= fa { folded[j] = RadixSort.key(fb); below -= 1 } else { folded[j] = RadixSort.key(fa); above += 1 }
                    }
                    k.update(from: folded, count: h)
                }
            }
            keys.release(offset: r * h, count: h)
        }
        _ = Self.mergeRanks(keys: keys, runs: count, length: h, extra: [], ranks: ranks, wanted: [])
        let foldedMoments = Parallel.map(count: count) { r -> (Double, Double) in
            buffers.with { chain in
                let rk = ranks.base + r * h, z = chain.base
                for j in 0..<h { z[j] = gsl_cdf_ugaussian_Pinv((rk[j] - 0.375) / (s + 0.25)) }
                ranks.release(offset: r * h, count: h)
                return Self.meanAndVariance(UnsafeBufferPointer(start: chain.base, count: h))
            }
        }
        return Ranked(quantiles: quantiles, essBulk: essBulk,
                      rhatBulk: Self.rhat(bulkMoments, length: h), rhatFolded: Self.rhat(foldedMoments, length: h))
    }

    /// Mean and variance (divisor n − 1) of a split chain.
    static func meanAndVariance(_ x: UnsafeBufferPointer<Double>) -> (Double, Double) {
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        return (mean, x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1))
    }

    /// `RHat.basic` from each split chain's mean and variance.
    static func rhat(_ moments: [(Double, Double)], length h: Int) -> Double? {
        let m = Double(moments.count), nd = Double(h)
        guard moments.count >= 2, h >= 2 else { return nil }
        let grand = moments.reduce(0) { $0 + $1.0 } / m
        let b = nd * moments.reduce(0) { $0 + ($1.0 - grand) * ($1.0 - grand) } / (m - 1)
        let w = moments.reduce(0) { $0 + $1.1 } / m
        guard w > 0 else { return nil }
        let r = ((b / w + nd - 1) / nd).squareRoot()
        return r.isFinite ? r : nil
    }
}
