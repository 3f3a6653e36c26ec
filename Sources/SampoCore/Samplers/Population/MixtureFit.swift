import Foundation

/// A Gaussian mixture fitted to points by EM (ALGORITHMS §12), started from k-means++ seeds:
/// E-step responsibilities in log space, M-step weights, means and covariances, each covariance
/// regularised by ε·I with ε = 10⁻⁶·tr(Σ̂)/d (Σ̂ the points' covariance). The number of
/// components is given or chosen by BIC = −2 log L + p log n, p = (K − 1) + Kd + Kd(d + 1)/2
/// (searching K = 1, 2, … and stopping after two that do not improve it).
public struct MixtureFit: Sendable {
    public let mixture: GaussianMixture
    public let logLikelihood: Double
    public let bic: Double
    public let iterations: Int

    public var components: Int { mixture.componentCount }

    /// The fit with the lowest BIC among 1…`maxComponents` components (nil if none could be fitted).
    public static func bestByBIC(points x: [Double], count n: Int, dimension d: Int, maxComponents: Int = 8,
                                 rng: RandomStream) -> MixtureFit? {
        var best: MixtureFit?
        var worse = 0
        for k in 1...max(1, min(maxComponents, n / max(d + 1, 2))) {
            guard let f = fit(points: x, count: n, dimension: d, components: k, rng: rng) else { continue }
            if best.map({ f.bic < $0.bic }) ?? true { best = f; worse = 0 } else { worse += 1 }
            // Two more components in a row without a better BIC: stop searching.
            if worse == 2 { break }
        }
        return best
    }

    /// EM with `components` components (nil when it cannot be fitted: too few points, or a
    /// covariance that stays singular).
    public static func fit(points x: [Double], count n: Int, dimension d: Int, components kk: Int, rng: RandomStream,
                           maxIterations: Int = 100, tolerance: Double = 1e-7) -> MixtureFit? {
        guard kk >= 1, n >= kk, x.count >= n * d, d >= 1 else { return nil }
        // The points' covariance trace sets the ridge.
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += x[i * d + j] } }
        mean = mean.map { $0 / Double(n) }
        var trace = 0.0
        for i in 0..<n { for j in 0..<d { let z = x[i * d + j] - mean[j]; trace += z * z } }
        trace /= Double(max(n - 1, 1))
        let ridge = max(1e-6 * trace / Double(d), 1e-300)
        // k-means++ seeds on the random stream.
        let first = min(Int(rng.uniform() * Double(n)), n - 1)
        var centres: [[Double]] = [Array(x[first * d ..< first * d + d])]
        var nearest = [Double](repeating: .infinity, count: n)
        while centres.count < kk {
            let c = centres[centres.count - 1]
            var total = 0.0
            for i in 0..<n {
                var s = 0.0
                for j in 0..<d { let z = x[i * d + j] - c[j]; s += z * z }
                nearest[i] = min(nearest[i], s)
                total += nearest[i]
            }
            guard total > 0 else { return nil }   // fewer distinct points than components
            var u = rng.uniform() * total, pick = n - 1
            for i in 0..<n { u -= nearest[i]; if u <= 0 { pick = i; break } }
            centres.append(Array(x[pick * d ..< pick * d + d]))
        }
        var weights = [Double](repeating: 1 / Double(kk), count: kk)
        var means = centres
        var covs = [[Double]](repeating: (0..<(d * d)).map { $0 % (d + 1) == 0 ? trace / Double(d) + ridge : 0 }, count: kk)
        var r = [Double](repeating: 0, count: n * kk)
        var logL = -Double.infinity, iterations = 0
        for it in 1...maxIterations {
            iterations = it
            // E-step.
            var factors: [[Double]] = [], logDets: [Double] = []
            for k in 0..<kk {
                guard let l = try? Cholesky.factor(covs[k], dimension: d) else { return nil }
                factors.append(l)
                logDets.append(Cholesky.logDeterminant(fromFactor: l, dimension: d))
            }
            let constants = (0..<kk).map { log(weights[$0]) - 0.5 * (logDets[$0] + Double(d) * log(2 * Double.pi)) }
            let flatFactors = factors.flatMap { $0 }, flatMeans = means.flatMap { $0 }
            var total = 0.0
            var z = [Double](repeating: 0, count: d)
            x.withUnsafeBufferPointer { xp in
                flatFactors.withUnsafeBufferPointer { lp in
                    flatMeans.withUnsafeBufferPointer { mp in
                        r.withUnsafeMutableBufferPointer { rp in
                            z.withUnsafeMutableBufferPointer { zp in
                                for i in 0..<n {
                                    let xi = xp.baseAddress! + i * d, ri = rp.baseAddress! + i * kk
                                    var m = -Double.infinity
                                    for k in 0..<kk {
                                        // Solve L z = x − μ.
                                        let l = lp.baseAddress! + k * d * d, mu = mp.baseAddress! + k * d
                                        var q = 0.0
                                        for a in 0..<d {
                                            var s = xi[a] - mu[a]
                                            for b in 0..<a { s -= l[a * d + b] * zp[b] }
                                            zp[a] = s / l[a * d + a]
                                            q += zp[a] * zp[a]
                                        }
                                        let v = constants[k] - 0.5 * q
                                        ri[k] = v
                                        m = max(m, v)
                                    }
                                    var s = 0.0
                                    for k in 0..<kk { ri[k] = exp(ri[k] - m); s += ri[k] }
                                    for k in 0..<kk { ri[k] /= s }
                                    total += m + log(s)
                                }
                            }
                        }
                    }
                }
            }
            guard total.isFinite else { return nil }
            let converged = abs(total - logL) <= tolerance * abs(total)
            logL = total
            if converged { break }
            // M-step.
            for k in 0..<kk {
                var nk = 0.0
                var mu = [Double](repeating: 0, count: d)
                for i in 0..<n { let w = r[i * kk + k]; nk += w; for j in 0..<d { mu[j] += w * x[i * d + j] } }
                guard nk > 1e-12 else { return nil }   // an empty component
                mu = mu.map { $0 / nk }
                var c = [Double](repeating: 0, count: d * d)
                for i in 0..<n {
                    let w = r[i * kk + k]
                    for a in 0..<d {
                        let za = x[i * d + a] - mu[a]
                        for b in 0...a { c[a * d + b] += w * za * (x[i * d + b] - mu[b]) }
                    }
                }
                for a in 0..<d {
                    for b in 0...a { c[a * d + b] /= nk; c[b * d + a] = c[a * d + b] }
                    c[a * d + a] += ridge
                }
                weights[k] = nk / Double(n); means[k] = mu; covs[k] = c
            }
        }
        let p = Double(kk - 1) + Double(kk * d) + Double(kk * d * (d + 1)) / 2
        let nested = covs.map { c in (0..<d).map { a in Array(c[a * d ..< a * d + d]) } }
        guard let mixture = try? GaussianMixture(weights: weights, means: means, covariances: .full(nested)) else { return nil }
        return MixtureFit(mixture: mixture, logLikelihood: logL, bic: -2 * logL + p * log(Double(n)), iterations: iterations)
    }
}
