import Foundation

/// Neal's funnel in d dimensions: x₀ ~ N(0, s²), x_i | x₀ ~ N(0, e^{x₀}) for i = 1…d−1.
/// Normalised (log Z = 0); exact draws; mean 0, Var x₀ = s², Var x_i = e^{s²/2}.
public struct Funnel: LogDensity, ExactSampler, HasKnownMoments {
    public let dimension: Int
    public let scale: Double

    public init(dimension: Int = 10, scale: Double = 3) throws(SampoError) {
        guard dimension >= 2 else { throw .invalid(.argument("dimension"), "expected at least 2 for the funnel, found \(dimension)") }
        try MemoryLimit.check(doubles: [dimension, 16], for: .argument("dimension"),
                              what: "a funnel of dimension \(dimension) (a chain's working vectors)")
        guard scale.isFinite, scale > 0 else { throw .invalid(.argument("scale"), "expected a positive finite number, found \(scale)") }
        self.dimension = dimension
        self.scale = scale
    }

    public var knownMoments: KnownMoments {
        let d = dimension
        guard d <= KnownMoments.maximumCovarianceDimension else {
            return KnownMoments(mean: Array(repeating: 0, count: d), logNormalizer: 0)
        }
        var cov = [Double](repeating: 0, count: d * d)
        cov[0] = scale * scale
        for i in 1..<d { cov[i * d + i] = exp(scale * scale / 2) }
        return KnownMoments(mean: Array(repeating: 0, count: d), covariance: cov, logNormalizer: 0)
    }

    public func logDensity(at x: UnsafePointer<Double>) -> Double {
        let s2 = scale * scale, v = x[0], ev = exp(-v)
        var lp = -v * v / (2 * s2) - 0.5 * log(2 * Double.pi * s2)
        for i in 1..<dimension { lp += -x[i] * x[i] * ev / 2 - v / 2 - 0.5 * log(2 * Double.pi) }
        return lp
    }

    public func logDensityAndGradient(at x: UnsafePointer<Double>, gradient g: UnsafeMutablePointer<Double>) -> Double {
        let s2 = scale * scale, v = x[0], ev = exp(-v)
        var g0 = -v / s2
        for i in 1..<dimension {
            g0 += x[i] * x[i] * ev / 2 - 0.5
            g[i] = -x[i] * ev
        }
        g[0] = g0
        return logDensity(at: x)
    }

    public func drawExact(into x: UnsafeMutablePointer<Double>, rng: RandomStream) {
        x[0] = scale * rng.normal()
        let sd = exp(x[0] / 2)
        for i in 1..<dimension { x[i] = sd * rng.normal() }
    }
}
