import Foundation

/// The many-well energy on d = 2·pairs coordinates: per pair (x₁, x₂),
/// E = x₁⁴ − 6x₁² − ½x₁ + ½x₂² (an asymmetric double well times a Gaussian); 2^pairs modes.
/// log Z = pairs·(log Z₁ + ½ log 2π) with Z₁ = ∫e^{−(x⁴−6x²−x/2)}dx = 11784.50927; exact draws by
/// rejection from 0.2·N(−1.7, 0.5²) + 0.8·N(1.7, 0.5²) with bound 3 (the ratio peaks at ≈ 2.59).
public struct ManyWell: LogDensity, ExactSampler, HasKnownMoments {
    public let pairs: Int
    public var dimension: Int { 2 * pairs }
    /// Z₁, and the mean and variance of x₁ under one well, by quadrature (scipy.integrate.quad).
    public static let wellNormalizer = 11784.509265127823
    public static let wellMean = 1.1879609833761469
    public static let wellVariance = 1.5485547924649152

    public init(pairs: Int = 16) throws(SampoError) {
        guard pairs >= 1 else { throw .invalid(.argument("pairs"), "expected at least 1, found \(pairs)") }
        try MemoryLimit.check(doubles: [pairs, 2, 16], for: .argument("pairs"),
                              what: "a many-well target of \(pairs) pairs (a chain's working vectors)")
        self.pairs = pairs
    }

    public var knownMoments: KnownMoments {
        let d = dimension, withCovariance = d <= KnownMoments.maximumCovarianceDimension
        var mean = [Double](repeating: 0, count: d), cov = [Double](repeating: 0, count: withCovariance ? d * d : 0)
        for p in 0..<pairs {
            mean[2 * p] = Self.wellMean
            guard withCovariance else { continue }
            cov[(2 * p) * d + 2 * p] = Self.wellVariance
            cov[(2 * p + 1) * d + 2 * p + 1] = 1
        }
        return KnownMoments(mean: mean, covariance: withCovariance ? cov : nil,
                            logNormalizer: Double(pairs) * (log(Self.wellNormalizer) + 0.5 * log(2 * Double.pi)))
    }

    @inline(__always) static func wellEnergy(_ x: Double) -> Double { x * x * x * x - 6 * x * x - 0.5 * x }

    public func logDensity(at x: UnsafePointer<Double>) -> Double {
        var e = 0.0
        for p in 0..<pairs { e += Self.wellEnergy(x[2 * p]) + 0.5 * x[2 * p + 1] * x[2 * p + 1] }
        return -e
    }

    public func logDensityAndGradient(at x: UnsafePointer<Double>, gradient g: UnsafeMutablePointer<Double>) -> Double {
        for p in 0..<pairs {
            let a = x[2 * p]
            g[2 * p] = -(4 * a * a * a - 12 * a - 0.5)
            g[2 * p + 1] = -x[2 * p + 1]
        }
        return logDensity(at: x)
    }

    public func drawExact(into x: UnsafeMutablePointer<Double>, rng: RandomStream) {
        for p in 0..<pairs {
            x[2 * p] = Self.drawWell(rng)
            x[2 * p + 1] = rng.normal()
        }
    }

    /// One x₁ from the normalised well e^{−E(x)}/Z₁ by rejection.
    static func drawWell(_ rng: RandomStream) -> Double {
        func q(_ x: Double) -> Double {
            let c = 1 / (0.5 * (2 * Double.pi).squareRoot())
            return 0.2 * c * exp(-(x + 1.7) * (x + 1.7) / 0.5) + 0.8 * c * exp(-(x - 1.7) * (x - 1.7) / 0.5)
        }
        while true {
            let x = (rng.uniform() < 0.2 ? -1.7 : 1.7) + 0.5 * rng.normal()
            let ratio = exp(-wellEnergy(x)) / (wellNormalizer * 3 * q(x))
            if rng.uniform() < ratio { return x }
        }
    }
}
