/// g(x) = α Σ_j w_j |x_j − c_j| (a Laplace prior with rate α and location c; weights w_j = 1 unless
/// given, 0 leaves a coordinate out, e.g. a regression's intercept); prox_{λg}(x)_j = c_j + soft(x_j − c_j, λα w_j).
public struct L1Term: ProximalTerm {
    public let rate: Double
    public let center: [Double]
    /// Per-coordinate weights (nil: 1 for every coordinate).
    public let weights: [Double]?
    public var kind: String { "l1" }

    public init(rate: Double, center: [Double], weights: [Double]? = nil) throws(SampoError) {
        guard rate.isFinite, rate > 0 else { throw .invalid(.argument("rate"), "expected a positive finite rate, found \(rate)") }
        self.rate = rate
        self.center = center
        self.weights = weights
    }

    @inline(__always) private func rate(_ j: Int) -> Double { weights.map { rate * $0[j] } ?? rate }

    public func value(at x: UnsafePointer<Double>, dimension d: Int) -> Double {
        var s = 0.0
        for j in 0..<d { s += rate(j) * abs(x[j] - center[j]) }
        return s
    }

    public func prox(_ x: UnsafePointer<Double>, lambda: Double, into out: UnsafeMutablePointer<Double>, dimension d: Int) {
        for j in 0..<d { out[j] = center[j] + softThreshold(x[j] - center[j], lambda * rate(j)) }
    }

    public func subgradient(at x: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, dimension d: Int) {
        for j in 0..<d {
            let u = x[j] - center[j], r = rate(j)
            out[j] = u > 0 ? r : (u < 0 ? -r : 0)
        }
    }
}
