/// The symmetric double well in every coordinate: E = Σ_i (x_i² − a)², modes at ±√a per
/// coordinate separated by a barrier of height a² (2^d modes). No exact sampler.
public struct DoubleWell: LogDensity {
    public let dimension: Int
    public let a: Double

    public init(dimension: Int = 2, a: Double = 3) throws(SampoError) {
        guard dimension >= 1 else { throw .invalid(.argument("dimension"), "expected at least 1, found \(dimension)") }
        try MemoryLimit.check(doubles: [dimension, 16], for: .argument("dimension"),
                              what: "a double well of dimension \(dimension) (a chain's working vectors)")
        guard a.isFinite else { throw .invalid(.argument("a"), "expected a finite number, found \(a)") }
        self.dimension = dimension
        self.a = a
    }

    public func logDensity(at x: UnsafePointer<Double>) -> Double {
        var e = 0.0
        for i in 0..<dimension { let u = x[i] * x[i] - a; e += u * u }
        return -e
    }

    public func logDensityAndGradient(at x: UnsafePointer<Double>, gradient g: UnsafeMutablePointer<Double>) -> Double {
        var e = 0.0
        for i in 0..<dimension {
            let u = x[i] * x[i] - a
            e += u * u
            g[i] = -4 * x[i] * u
        }
        return -e
    }
}
