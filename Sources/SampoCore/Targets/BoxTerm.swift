/// g = indicator of the box [lower, upper] (0 inside, +∞ outside); prox = projection (any λ).
public struct BoxTerm: ProximalTerm {
    public let lower: [Double]
    public let upper: [Double]
    public var kind: String { "box" }

    public init(lower: [Double], upper: [Double]) throws(SampoError) {
        guard lower.count == upper.count else {
            throw .invalid(.argument("upper"), "expected \(lower.count) bounds (as lower), found \(upper.count)")
        }
        for j in lower.indices where !(lower[j] < upper[j]) {
            throw .invalid(.argument("lower", at: [j + 1]), "lower bound \(lower[j]) must be below upper bound \(upper[j])")
        }
        self.lower = lower
        self.upper = upper
    }

    public func value(at x: UnsafePointer<Double>, dimension d: Int) -> Double {
        for j in 0..<d where !(x[j] >= lower[j] && x[j] <= upper[j]) { return .infinity }
        return 0
    }

    public func prox(_ x: UnsafePointer<Double>, lambda: Double, into out: UnsafeMutablePointer<Double>, dimension d: Int) {
        for j in 0..<d { out[j] = min(max(x[j], lower[j]), upper[j]) }
    }

    public func subgradient(at x: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, dimension d: Int) {
        for j in 0..<d { out[j] = 0 }
    }
}
