import Foundation

/// The Gaussian reference p₀ = N(m, diag(s²)) that tempered samplers (SMC, parallel tempering)
/// start from: the target's known mean with twice its known sds, a given sd, or N(0, 10²I).
public struct GaussianReference: Sendable, Equatable {
    public let mean: [Double]
    public let sd: [Double]
    /// log of p₀'s normalising factor, −Σ (log s_j + ½ log 2π).
    public let logNormalizer: Double

    public init(mean: [Double], sd: [Double]) {
        self.mean = mean; self.sd = sd
        logNormalizer = sd.reduce(0.0) { $0 - log($1) - 0.5 * log(2 * Double.pi) }
    }

    /// SMC's and PT's rule: `scale` when given (around the known mean), else 2 × the known sds,
    /// else N(0, 10²I).
    public static func choose(dimension d: Int, moments: KnownMoments?, scale: Double?) -> GaussianReference {
        let mean = moments?.mean ?? Array(repeating: 0, count: d)
        if let s = scale { return GaussianReference(mean: mean, sd: Array(repeating: s, count: d)) }
        if let c = moments?.covariance, c.count == d * d {
            return GaussianReference(mean: mean, sd: (0..<d).map { 2 * c[$0 * d + $0].squareRoot() })
        }
        return GaussianReference(mean: Array(repeating: 0, count: d), sd: Array(repeating: 10, count: d))
    }

    /// log p₀(x) (normalised), with ∇log p₀(x) written to `gradient` when given.
    @inline(__always)
    func logDensity(at x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>?) -> Double {
        var q = 0.0
        for j in 0..<mean.count {
            let z = (x[j] - mean[j]) / sd[j]
            q += z * z
            gradient?[j] = -z / sd[j]
        }
        return logNormalizer - 0.5 * q
    }

    /// An exact draw of p₀.
    @inline(__always)
    func draw<N: NoiseSource>(into x: UnsafeMutablePointer<Double>, noise: N) {
        for j in 0..<mean.count { x[j] = mean[j] + sd[j] * noise.normal() }
    }
}
