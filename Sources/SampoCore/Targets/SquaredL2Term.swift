/// g(x) = ‖x − c‖²/(2σ²) (a Gaussian factor with centre c and scale σ);
/// prox_{λg}(x) = (σ²x + λc)/(σ² + λ).
public struct SquaredL2Term: ProximalTerm {
    public let center: [Double]
    public let scale: Double
    public var kind: String { "l2-squared" }

    public init(center: [Double], scale: Double) throws(SampoError) {
        guard scale.isFinite, scale > 0 else { throw .invalid(.argument("scale"), "expected a positive finite scale, found \(scale)") }
        self.center = center
        self.scale = scale
    }

    public func value(at x: UnsafePointer<Double>, dimension d: Int) -> Double {
        var s = 0.0
        for j in 0..<d { s += (x[j] - center[j]) * (x[j] - center[j]) }
        return s / (2 * scale * scale)
    }

    public func prox(_ x: UnsafePointer<Double>, lambda: Double, into out: UnsafeMutablePointer<Double>, dimension d: Int) {
        let s2 = scale * scale
        for j in 0..<d { out[j] = (s2 * x[j] + lambda * center[j]) / (s2 + lambda) }
    }

    public func subgradient(at x: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, dimension d: Int) {
        let s2 = scale * scale
        for j in 0..<d { out[j] = (x[j] - center[j]) / s2 }
    }
}
