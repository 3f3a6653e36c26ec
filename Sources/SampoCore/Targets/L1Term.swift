/// g(x) = α‖x − c‖₁ (a Laplace prior with rate α and location c);
/// prox_{λg}(x) = c + soft(x − c, λα).
public struct L1Term: ProximalTerm {
    public let rate: Double
    public let center: [Double]
    public var kind: String { "l1" }

    public init(rate: Double, center: [Double]) throws(SampoError) {
        guard rate.isFinite, rate > 0 else { throw .usage("field 'rate': expected a positive finite rate, found \(rate)") }
        self.rate = rate
        self.center = center
    }

    public func value(at x: UnsafePointer<Double>, dimension d: Int) -> Double {
        var s = 0.0
        for j in 0..<d { s += abs(x[j] - center[j]) }
        return rate * s
    }

    public func prox(_ x: UnsafePointer<Double>, lambda: Double, into out: UnsafeMutablePointer<Double>, dimension d: Int) {
        for j in 0..<d { out[j] = center[j] + softThreshold(x[j] - center[j], lambda * rate) }
    }

    public func subgradient(at x: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, dimension d: Int) {
        for j in 0..<d {
            let u = x[j] - center[j]
            out[j] = u > 0 ? rate : (u < 0 ? -rate : 0)
        }
    }
}
