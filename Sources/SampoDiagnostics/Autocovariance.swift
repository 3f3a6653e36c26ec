import SampoCore
import CGSL
import Foundation

/// Autocovariance of one series by FFT (GSL's mixed-radix real transforms):
/// centre, zero-pad to a 2·3·5-smooth length ≥ 2N (no circular wrap-around, and GSL is fast
/// for those factors), acov(t) = IFFT(|FFT|²)[t] / N for t < N.
public enum Autocovariance {
    /// The smallest n ≥ `minimum` whose only prime factors are 2, 3 and 5.
    public static func smoothLength(atLeast minimum: Int) -> Int {
        var n = max(1, minimum)
        while true {
            var m = n
            for p in [2, 3, 5] { while m % p == 0 { m /= p } }
            if m == 1 { return n }
            n += 1
        }
    }

    /// acov(0..<N) of `series` (divisor N, the biased estimator that Stan and ArviZ use).
    public static func compute(_ series: [Double]) throws(SampoError) -> [Double] {
        guard !series.isEmpty else { return [] }
        let plan = try FFTPlan.shared(length: smoothLength(atLeast: 2 * series.count))
        return try plan.autocovariance(series)
    }

    /// acov(0..<lags) of `series` centred at `mean`, through FFTs of length 2·lags over blocks of
    /// `lags` draws: for block b (zero-padded, transform A_b) the window of blocks b and b+1 has
    /// transform A_b + (−1)^k A_{b+1}, so Σ_b conj(A_b)(A_b + (−1)^k A_{b+1}) transforms back to
    /// Σ_i c_i c_{i+t} for t < lags without wrap-around. One transform of 2·lags per `lags` draws,
    /// in cache, instead of one of 2N over the whole series: long chains need only the leading lags.
    public static func leading(_ series: UnsafeBufferPointer<Double>, mean: Double, lags: Int) throws(SampoError) -> [Double] {
        let n = series.count
        guard n > 0, lags > 0 else { return [] }
        let plan = try FFTPlan.shared(length: 2 * lags)
        return try plan.leadingAutocovariance(series, mean: mean, lags: lags)
    }

    /// acov(0..<lags) by direct sums: cheaper than the FFT when only a few lags are needed.
    public static func direct(_ series: [Double], lags: Int) -> [Double] {
        let n = series.count
        guard n > 0 else { return [] }
        let mean = series.reduce(0, +) / Double(n)
        let c = series.map { $0 - mean }
        return (0..<min(lags, n)).map { t in
            c.withUnsafeBufferPointer { p in
                var s = 0.0
                for i in 0..<(n - t) { s += p[i] * p[i + t] }
                return s / Double(n)
            }
        }
    }
}

/// GSL wavetables for one transform length. Tables are read-only once built and are shared
/// between threads (GSL allows that); each call gets its own workspace.
final class FFTPlan: @unchecked Sendable {
    let length: Int
    private let realTable: UnsafeMutablePointer<gsl_fft_real_wavetable>
    private let halfTable: UnsafeMutablePointer<gsl_fft_halfcomplex_wavetable>

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [Int: FFTPlan] = [:]

    /// The plan for `length`, built once per process (the most recent few are kept).
    static func shared(length: Int) throws(SampoError) -> FFTPlan {
        lock.lock(); defer { lock.unlock() }
        if let plan = cache[length] { return plan }
        GSL.configure()
        guard let r = gsl_fft_real_wavetable_alloc(length) else {
            throw .runtime("autocovariance: cannot allocate FFT tables for length \(length)")
        }
        guard let h = gsl_fft_halfcomplex_wavetable_alloc(length) else {
            gsl_fft_real_wavetable_free(r)
            throw .runtime("autocovariance: cannot allocate FFT tables for length \(length)")
        }
        let plan = FFTPlan(length: length, realTable: r, halfTable: h)
        if cache.count >= 8 { cache.removeAll() }
        cache[length] = plan
        return plan
    }

    private init(length: Int, realTable: UnsafeMutablePointer<gsl_fft_real_wavetable>,
                 halfTable: UnsafeMutablePointer<gsl_fft_halfcomplex_wavetable>) {
        self.length = length
        self.realTable = realTable
        self.halfTable = halfTable
    }

    deinit {
        gsl_fft_real_wavetable_free(realTable)
        gsl_fft_halfcomplex_wavetable_free(halfTable)
    }

    func leadingAutocovariance(_ series: UnsafeBufferPointer<Double>, mean: Double, lags: Int) throws(SampoError) -> [Double] {
        let n = series.count, m = length
        guard let work = gsl_fft_real_workspace_alloc(m) else {
            throw .runtime("autocovariance: cannot allocate an FFT workspace of length \(m)")
        }
        defer { gsl_fft_real_workspace_free(work) }
        var current = [Double](repeating: 0, count: m), next = current, sum = current
        // Transform of block b (centred, zero-padded) into `block`.
        func transform(_ b: Int, into block: UnsafeMutablePointer<Double>) -> Int32 {
            let start = b * lags, stop = min(start + lags, n)
            for i in 0..<m { block[i] = 0 }
            if start < stop { for i in start..<stop { block[i - start] = series[i] - mean } }
            return start < n ? gsl_fft_real_transform(block, 1, m, realTable, work) : 0
        }
        let blocks = (n + lags - 1) / lags
        var status: Int32 = 0
        current.withUnsafeMutableBufferPointer { a in
            next.withUnsafeMutableBufferPointer { b in
                sum.withUnsafeMutableBufferPointer { s in
                    var cur = a.baseAddress!, nxt = b.baseAddress!
                    let acc = s.baseAddress!
                    status = transform(0, into: cur)
                    for blk in 0..<blocks where status == 0 {
                        status = transform(blk + 1, into: nxt)
                        // Half-complex layout as in `autocovariance`; (−1)^k alternates with k.
                        acc[0] += cur[0] * (cur[0] + nxt[0])
                        var k = 1, sign = -1.0
                        while 2 * k < m {
                            let ar = cur[2 * k - 1], ai = cur[2 * k]
                            let wr = ar + sign * nxt[2 * k - 1], wi = ai + sign * nxt[2 * k]
                            acc[2 * k - 1] += ar * wr + ai * wi
                            acc[2 * k] += ar * wi - ai * wr
                            k += 1; sign = -sign
                        }
                        if m % 2 == 0 { acc[m - 1] += cur[m - 1] * (cur[m - 1] + sign * nxt[m - 1]) }
                        swap(&cur, &nxt)
                    }
                    if status == 0 { status = gsl_fft_halfcomplex_inverse(acc, 1, m, halfTable, work) }
                }
            }
        }
        try GSL.check(status, "autocovariance FFT (length \(m))")
        return (0..<min(lags, n)).map { sum[$0] / Double(n) }
    }

    func autocovariance(_ series: [Double]) throws(SampoError) -> [Double] {
        let n = series.count, m = length
        guard let work = gsl_fft_real_workspace_alloc(m) else {
            throw .runtime("autocovariance: cannot allocate an FFT workspace of length \(m)")
        }
        defer { gsl_fft_real_workspace_free(work) }
        let mean = series.reduce(0, +) / Double(n)
        var data = [Double](repeating: 0, count: m)
        for i in 0..<n { data[i] = series[i] - mean }
        let (forward, inverse) = data.withUnsafeMutableBufferPointer { buf -> (Int32, Int32) in
            let d = buf.baseAddress!
            let forward = gsl_fft_real_transform(d, 1, m, realTable, work)
            guard forward == 0 else { return (forward, 0) }
            // Half-complex layout (mixed radix): d[0] = c₀; d[2k−1], d[2k] = Re, Im c_k; for even m,
            // d[m−1] = c_{m/2}. Replace each c_k by |c_k|² (real), then transform back.
            d[0] = d[0] * d[0]
            var k = 1
            while 2 * k < m {
                let re = d[2 * k - 1], im = d[2 * k]
                d[2 * k - 1] = re * re + im * im
                d[2 * k] = 0
                k += 1
            }
            if m % 2 == 0 { d[m - 1] = d[m - 1] * d[m - 1] }
            return (forward, gsl_fft_halfcomplex_inverse(d, 1, m, halfTable, work))
        }
        try GSL.check(forward, "autocovariance FFT (length \(m))")
        try GSL.check(inverse, "autocovariance inverse FFT (length \(m))")
        return (0..<n).map { data[$0] / Double(n) }
    }
}
