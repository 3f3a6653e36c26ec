import SampoCore
import CGSL

/// The 2m split chains of a parameter (first and last ⌊n/2⌋ draws of each chain) and the
/// computations over them that need pooled ranks.
struct SplitRuns: Sendable {
    let series: ParameterSeries
    /// Draws per split chain, and split chains.
    let half: Int, count: Int

    /// Lags the last ESS of this parameter needed: the next series starts there (the series of
    /// one parameter have similar autocorrelation times), saving transforms that would come up short.
    let lagHint = LagHint()
    final class LagHint: @unchecked Sendable { var value = 0 }

    /// Split-chain-sized buffers for the tasks that fill one (at most one per core at a time):
    /// fresh 400 MB arrays for every series of a 10⁸-draw run were faulted in and zeroed each time.
    let buffers: ReusePool<ScratchBuffer<Double>>

    init(series: ParameterSeries) {
        self.series = series
        half = series.length / 2
        count = 2 * series.chains
        // The first series starts with h/128 lags, between 2 048 and 16 384: a short chain's products
        // of block transforms over lags it will not need cost more than a restart (and are slow in a
        // debug build); a long one's restart is a pass over millions of draws.
        lagHint.value = max(2_048, min(16_384, half / 128))
        buffers = ReusePool { [half] in ScratchBuffer<Double>(count: half, onHeap: true) }
    }

    /// Split chain `r` into `out` (`half` values).
    func load(_ r: Int, _ out: UnsafeMutableBufferPointer<Double>) {
        series.load(r / 2, r % 2 == 0 ? 0 : series.length - half, out)
    }

    /// Geyer ESS of the split chains as `fill` produces them (Stan's multi-chain formula). The
    /// autocovariances start with the leading 2 048–16 384 lags (or as many as the previous series
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
                // Plain comparisons and an index loop: this runs over every draw several times, and
                // generic `min`/`max` and iterators are calls in a debug build (`swift test`).
                var i = 0
                while i < h { let v = values[i]; s += v; if v < lo { lo = v }; if v > hi { hi = v }; i += 1 }
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
                var i = 0
                while i < h { sorter.keys[i] = RadixSort.key(Double(bitPattern: sorter.keys[i]) + 0); i += 1 }
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
                var j = 0
                while j < h { z[Int(ix[j])] = gsl_cdf_ugaussian_Pinv((rk[j] - 0.375) / (s + 0.25)); j += 1 }
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
                    var j = 0
                    while j < h {
                        let fb = below >= 0 ? (RadixSort.value(k[below]) - median).magnitude : .infinity
                        let fa = above < h ? (RadixSort.value(k[above]) - median).magnitude : .infinity
                        if fb <= fa { folded[j] = RadixSort.key(fb); below -= 1 } else { folded[j] = RadixSort.key(fa); above += 1 }
                        j += 1
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
                var j = 0
                while j < h { z[j] = gsl_cdf_ugaussian_Pinv((rk[j] - 0.375) / (s + 0.25)); j += 1 }
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
        var sum = 0.0, i = 0
        while i < x.count { sum += x[i]; i += 1 }
        let mean = sum / n
        var squares = 0.0
        i = 0
        while i < x.count { let d = x[i] - mean; squares += d * d; i += 1 }
        return (mean, squares / (n - 1))
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
