import Foundation

/// The Rosenbrock "banana" density of Goodman & Weare (2010):
/// E(x₁, x₂) = [(a − x₁)² + b(x₂ − x₁²)²]/s, π ∝ exp(−E), with a = 1, b = 100, s = 20 by default.
/// It factorises as x₁ ~ N(a, s/2), x₂ | x₁ ~ N(x₁², s/(2b)), so it has exact draws, exact
/// moments and log Z = ½ log(π s) + ½ log(π s/b).
public struct Rosenbrock: LogDensity, ExactSampler, HasKnownMoments {
    public var dimension: Int { 2 }
    public let a: Double, b: Double, scale: Double

    public init(a: Double = 1, b: Double = 100, scale: Double = 20) throws(SampoError) {
        guard a.isFinite else { throw .invalid(.argument("a"), "expected a finite number, found \(a)") }
        guard b.isFinite, b > 0 else { throw .invalid(.argument("b"), "expected a positive finite number, found \(b)") }
        guard scale.isFinite, scale > 0 else { throw .invalid(.argument("scale"), "expected a positive finite number, found \(scale)") }
        self.a = a; self.b = b; self.scale = scale
    }

    public var knownMoments: KnownMoments {
        let v1 = scale / 2, v2 = scale / (2 * b)
        let var2 = v2 + 4 * a * a * v1 + 2 * v1 * v1
        return KnownMoments(mean: [a, a * a + v1], covariance: [v1, 2 * a * v1, 2 * a * v1, var2],
                            logNormalizer: 0.5 * log(Double.pi * scale) + 0.5 * log(Double.pi * scale / b))
    }

    public func logDensity(at x: UnsafePointer<Double>) -> Double {
        let u = a - x[0], w = x[1] - x[0] * x[0]
        return -(u * u + b * w * w) / scale
    }

    public func logDensityAndGradient(at x: UnsafePointer<Double>, gradient g: UnsafeMutablePointer<Double>) -> Double {
        let u = a - x[0], w = x[1] - x[0] * x[0]
        g[0] = -(-2 * u - 4 * b * x[0] * w) / scale
        g[1] = -(2 * b * w) / scale
        return -(u * u + b * w * w) / scale
    }

    public func drawExact(into x: UnsafeMutablePointer<Double>, rng: RandomStream) {
        x[0] = a + (scale / 2).squareRoot() * rng.normal()
        x[1] = x[0] * x[0] + (scale / (2 * b)).squareRoot() * rng.normal()
    }
}
