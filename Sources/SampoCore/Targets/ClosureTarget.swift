/// A target from Swift closures: a log density and, optionally, its gradient. Without a
/// gradient closure the gradient is approximated by central finite differences
/// (2d extra density calls per gradient, step 1e-5·max(1, |x_j|)): slow and approximate, for
/// quick experiments only. Closures receive and return arrays, so every call allocates.
public struct ClosureTarget: LogDensity {
    public let dimension: Int
    public let hasExactGradient: Bool
    private let density: @Sendable ([Double]) -> Double
    private let gradientClosure: (@Sendable ([Double]) -> [Double])?

    public init(dimension: Int, logDensity: @escaping @Sendable ([Double]) -> Double,
                gradient: (@Sendable ([Double]) -> [Double])? = nil) {
        self.dimension = dimension
        density = logDensity
        gradientClosure = gradient
        hasExactGradient = gradient != nil
    }

    /// The gradient closure's array must have `dimension` coordinates (checked before sampling:
    /// a shorter one would fill the gradient with NaN and reject every proposal).
    public func checkLengths(at x: UnsafePointer<Double>) throws(SampoError) {
        guard let gradientClosure else { return }
        let n = gradientClosure(Array(UnsafeBufferPointer(start: x, count: dimension))).count
        if n != dimension { throw .wrongLength(of: "gradient", expected: dimension, received: n) }
    }

    /// 2d + 1 density calls per gradient when the gradient is a finite difference.
    public var costOfGradientCall: OracleCounts {
        hasExactGradient ? OracleCounts(gradientEvaluations: 1) : OracleCounts(densityEvaluations: 2 * dimension + 1)
    }

    public func logDensity(at x: UnsafePointer<Double>) -> Double {
        density(Array(UnsafeBufferPointer(start: x, count: dimension)))
    }

    public func logDensityAndGradient(at x: UnsafePointer<Double>, gradient g: UnsafeMutablePointer<Double>) -> Double {
        let point = Array(UnsafeBufferPointer(start: x, count: dimension))
        if let gradientClosure {
            let grad = gradientClosure(point)
            for j in 0..<dimension { g[j] = j < grad.count ? grad[j] : .nan }
        } else {
            var p = point
            for j in 0..<dimension {
                let h = 1e-5 * max(1, abs(point[j]))
                p[j] = point[j] + h
                let up = density(p)
                p[j] = point[j] - h
                let down = density(p)
                p[j] = point[j]
                g[j] = (up - down) / (2 * h)
            }
        }
        return density(point)
    }
}
