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

    /// acov(0..<lags) of `series` centred at `mean`, through FFTs over blocks of B draws
    /// (zero-padded to 2B): with A_c the transform of block c, S_j = Σ_c conj(A_c) A_{c+j} transforms
    /// back to the sums Σ c_i c_{i+t} within blocks j apart, and lag jB + t (t < B) adds the pairs
    /// j + 1 blocks apart, whose shift by B is (−1)^k on component k. One forward transform per B
    /// draws, in cache, instead of one of 2N over the whole series: long chains need only the
    /// leading lags. B is at most 2 048 up to 16 384 lags (more lags cost products, not
    /// longer transforms) and lags/8 beyond.
    public static func leading(_ series: UnsafeBufferPointer<Double>, mean: Double, lags: Int) throws(SampoError) -> [Double] {
        let n = series.count
        guard n > 0, lags > 0 else { return [] }
        let wanted = min(lags, n)
        let block = smoothLength(atLeast: max(min(wanted, 2048), (wanted + 7) / 8))
        let plan = try FFTPlan.shared(length: 2 * block)
        return try plan.leadingAutocovariance(series, mean: mean, lags: wanted, block: block)
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

    func leadingAutocovariance(_ series: UnsafeBufferPointer<Double>, mean: Double, lags: Int, block: Int) throws(SampoError) -> [Double] {
        let n = series.count, m = length, b = block
        guard let work = gsl_fft_real_workspace_alloc(m) else {
            throw .runtime("autocovariance: cannot allocate an FFT workspace of length \(m)")
        }
        defer { gsl_fft_real_workspace_free(work) }
        // Lag blocks: acov over lags jB ..< (j+1)B for j < K needs the cross spectra of blocks j and j + 1 apart.
        let offsets = (min(lags, n) + b - 1) / b
        let blocks = (n + b - 1) / b
        let slots = offsets + 1
        // Spectra as separate real and imaginary parts for f = m/2 + 1 frequencies (m = 2B is even),
        // so the products below vectorise: the transforms of the last `slots` blocks (a ring) and
        // the sums S_j = Σ conj(A_c) A_{c+j}, j ≤ K.
        let f = m / 2 + 1
        let ring = UnsafeMutablePointer<Double>.allocate(capacity: slots * 2 * f)
        let sums = UnsafeMutablePointer<Double>.allocate(capacity: slots * 2 * f)
        let x = UnsafeMutablePointer<Double>.allocate(capacity: m)
        defer { ring.deallocate(); sums.deallocate(); x.deallocate() }
        sums.initialize(repeating: 0, count: slots * 2 * f)
        var status: Int32 = 0
        for c in 0..<blocks where status == 0 {
            let start = c * b, stop = min(start + b, n)
            // Index loops: these run over every draw, and range iterators are calls in a debug build.
            var i = start
            while i < stop { x[i - start] = series[i] - mean; i += 1 }
            i = stop - start
            while i < m { x[i] = 0; i += 1 }
            status = gsl_fft_real_transform(x, 1, m, realTable, work)
            // GSL's half-complex layout (see `autocovariance`) unpacked.
            let ar = ring + (c % slots) * 2 * f, ai = ar + f
            ar[0] = x[0]; ai[0] = 0
            var k = 1
            while k < f - 1 { ar[k] = x[2 * k - 1]; ai[k] = x[2 * k]; k += 1 }
            ar[f - 1] = x[m - 1]; ai[f - 1] = 0
            for j in 0...min(offsets, c) {
                let pr = ring + ((c - j) % slots) * 2 * f, pi = pr + f
                let sr = sums + j * 2 * f, si = sr + f
                var k = 0
                while k < f {
                    sr[k] += pr[k] * ar[k] + pi[k] * ai[k]
                    si[k] += pr[k] * ai[k] - pi[k] * ar[k]
                    k += 1
                }
            }
        }
        try GSL.check(status, "autocovariance FFT (length \(m))")
        // Lags jB + t (t < B): block pairs j apart at shift t, and j + 1 apart at shift t − B, which
        // is the shift by B of the zero-padded transform: (−1)^k on component k.
        let count = min(lags, n)
        var out = [Double](repeating: 0, count: count)
        for j in 0..<offsets {
            let r0 = sums + j * 2 * f, i0 = r0 + f, r1 = sums + (j + 1) * 2 * f, i1 = r1 + f
            x[0] = r0[0] + r1[0]
            var sign = -1.0
            for k in 1..<(f - 1) {
                x[2 * k - 1] = r0[k] + sign * r1[k]
                x[2 * k] = i0[k] + sign * i1[k]
                sign = -sign
            }
            x[m - 1] = r0[f - 1] + sign * r1[f - 1]
            try GSL.check(gsl_fft_halfcomplex_inverse(x, 1, m, halfTable, work), "autocovariance inverse FFT (length \(m))")
            for t in 0..<b where j * b + t < count { out[j * b + t] = x[t] / Double(n) }
        }
        return out
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
