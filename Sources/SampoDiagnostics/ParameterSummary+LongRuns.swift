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
            var i = 0
            while i < block.count {
                let v = block[i]
                guard v.isFinite else {
                    throw .usage("parameter '\(parameter)': chain \(c + 1), draw \(start + i + 1) is \(v) (expected a finite number)")
                }
                let magnitude = v < 0 ? -v : v
                if magnitude > largest { largest = magnitude }
                sum += v; i += 1
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
        Self.forEachBlock(series) { _, _, block in
            var i = 0
            while i < block.count { let d = block[i] - mu, d2 = d * d; s2 += d2; s4 += d2 * d2; i += 1 }
        }
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
        if let e = try runs.geyer({ r, out in runs.load(r, out); var i = 0; while i < out.count { let d = out[i] - mu; out[i] = d * d; i += 1 } }) {
            let ev = s2 / total, e4 = s4 / total
            mcseSD = ev > 0 ? ((e4 - ev * ev) / e / ev / 4).squareRoot() : nil
        }
        var tail: Double?
        for q in [q05v, q95v] {
            guard let e = try runs.geyer({ r, out in runs.load(r, out); var i = 0; while i < out.count { out[i] = out[i] <= q ? 1 : 0; i += 1 } }) else {
                tail = nil; break
            }
            tail = min(tail ?? e, e)
        }
        essTail = tail
        essBulk = ranked.essBulk
        if let bulk = ranked.rhatBulk, let folded = ranked.rhatFolded { rhat = max(bulk, folded) }
    }
}
