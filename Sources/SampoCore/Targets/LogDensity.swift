/// A target: a density π on R^d known up to a constant, evaluated in log space.
///
/// Both methods read `dimension` doubles at `x`; the gradient goes into a caller-owned buffer so
/// that no call allocates. Implementations must be safe to call from several threads at once
/// (chains run in parallel on one shared target).
public protocol LogDensity: Sendable {
    var dimension: Int { get }
    /// log π(x) up to an additive constant.
    func logDensity(at x: UnsafePointer<Double>) -> Double
    /// log π(x), and ∇ log π(x) written to `gradient`.
    func logDensityAndGradient(at x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>) -> Double
    /// What one `logDensityAndGradient` call costs in oracle calls: one gradient evaluation for a
    /// target with an exact gradient (the default); 2d + 1 density evaluations for a finite-difference
    /// gradient. Runs charge their counts with it, so equal-budget comparisons stay fair.
    var costOfGradientCall: OracleCounts { get }
    /// Evaluates once at `x` and throws ``SampoError/wrongLength(of:expected:received:)`` when the
    /// gradient written is not `dimension` long. The default writes into a buffer of marked cells
    /// with guard cells after it, so a conformance that writes too few or too many coordinates is
    /// caught; closure targets check the arrays their closures return. Runs call it before sampling.
    func checkLengths(at x: UnsafePointer<Double>) throws(SampoError)
}

extension LogDensity {
    public var costOfGradientCall: OracleCounts { OracleCounts(gradientEvaluations: 1) }

    public func checkLengths(at x: UnsafePointer<Double>) throws(SampoError) {
        let d = dimension, guardCells = 16
        // A quiet NaN with a payload no arithmetic produces: a cell still holding it was not written.
        let mark = Double(bitPattern: 0x7FF8_5A4D_504F_C0DE)
        let g = UnsafeMutablePointer<Double>.allocate(capacity: d + guardCells)
        defer { g.deallocate() }
        g.initialize(repeating: mark, count: d + guardCells)
        _ = logDensityAndGradient(at: x, gradient: g)
        let written = (0..<d).filter { g[$0].bitPattern != mark.bitPattern }.count
        let beyond = (0..<guardCells).last { g[d + $0].bitPattern != mark.bitPattern }.map { $0 + 1 } ?? 0
        if beyond > 0 { throw .wrongLength(of: "gradient", expected: d, received: d + beyond) }
        if written < d { throw .wrongLength(of: "gradient", expected: d, received: written) }
    }

    /// Convenience for tests and small scripts (allocates).
    public func logDensity(_ x: [Double]) -> Double {
        x.withUnsafeBufferPointer { logDensity(at: $0.baseAddress!) }
    }

    /// Convenience for tests and small scripts (allocates): (log π(x), ∇ log π(x)).
    public func logDensityAndGradient(_ x: [Double]) -> (Double, [Double]) {
        var g = [Double](repeating: 0, count: dimension)
        let lp = x.withUnsafeBufferPointer { xp in
            g.withUnsafeMutableBufferPointer { logDensityAndGradient(at: xp.baseAddress!, gradient: $0.baseAddress!) }
        }
        return (lp, g)
    }
}

/// A target that can draw exact iid samples (used as the reference in distances and tests).
public protocol ExactSampler {
    /// Writes one exact draw of dimension `dimension` to `x`.
    func drawExact(into x: UnsafeMutablePointer<Double>, rng: RandomStream)
}

/// Facts known in closed form about a target. Any of them may be absent.
public struct KnownMoments: Sendable, Equatable {
    /// Families with a closed-form covariance give it as a dense d × d matrix up to this dimension
    /// (128 MiB); above it the covariance is left out rather than allocated.
    public static let maximumCovarianceDimension = 4096

    public var mean: [Double]?
    /// Row-major d × d.
    public var covariance: [Double]?
    /// log Z for π = e^{log density}/Z; 0 for a normalised density.
    public var logNormalizer: Double?

    public init(mean: [Double]? = nil, covariance: [Double]? = nil, logNormalizer: Double? = nil) {
        self.mean = mean
        self.covariance = covariance
        self.logNormalizer = logNormalizer
    }
}

/// A target that knows some of its moments.
public protocol HasKnownMoments {
    var knownMoments: KnownMoments { get }
}

/// A mixture whose draws can be assigned to components (for mode-occupancy statistics).
public protocol MixtureModes: Sendable {
    var weights: [Double] { get }
    /// The component with the largest responsibility at x.
    func mostResponsibleComponent(at x: UnsafePointer<Double>) -> Int
}

/// A target that knows a smoothness constant L (a bound or typical value of the largest
/// eigenvalue of −∇²log π), used for default frictions and step sizes.
public protocol HasSmoothnessConstant {
    var smoothnessConstant: Double { get }
}
