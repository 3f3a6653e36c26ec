/// A convex, possibly nonsmooth term g of a composite potential U = f + g, given by its value
/// and its proximal map prox_{λg}(x) = argmin_u g(u) + ‖x − u‖²/(2λ). Conform a new type to add
/// a term: samplers only ever call these three methods.
public protocol ProximalTerm: Sendable {
    /// A short name ("l1", "box", …) for listings and reports.
    var kind: String { get }
    /// g(x); +∞ where g is an indicator and x is outside its set.
    func value(at x: UnsafePointer<Double>, dimension d: Int) -> Double
    /// prox_{λg}(x) into `out` (which may alias x).
    func prox(_ x: UnsafePointer<Double>, lambda: Double, into out: UnsafeMutablePointer<Double>, dimension d: Int)
    /// A subgradient of g at x, used where a plain gradient is asked for (0 on flat parts).
    func subgradient(at x: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, dimension d: Int)
}

extension ProximalTerm {
    /// ∇g_λ(x) = (x − prox_{λg}(x))/λ, the gradient of the Moreau–Yosida envelope, into `out`.
    public func moreauGradient(at x: UnsafePointer<Double>, lambda: Double, into out: UnsafeMutablePointer<Double>,
                               dimension d: Int) {
        prox(x, lambda: lambda, into: out, dimension: d)
        for j in 0..<d { out[j] = (x[j] - out[j]) / lambda }
    }

    /// g_λ(x) = g(p) + ‖x − p‖²/(2λ) with p = prox_{λg}(x).
    public func moreauValue(at x: UnsafePointer<Double>, lambda: Double, dimension d: Int) -> Double {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: d) { p in
            prox(x, lambda: lambda, into: p.baseAddress!, dimension: d)
            var s = 0.0
            for j in 0..<d { s += (x[j] - p[j]) * (x[j] - p[j]) }
            return value(at: p.baseAddress!, dimension: d) + s / (2 * lambda)
        }
    }

    /// Convenience (allocates).
    public func prox(_ x: [Double], lambda: Double) -> [Double] {
        var out = x
        x.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { prox(xp.baseAddress!, lambda: lambda, into: $0.baseAddress!, dimension: x.count) }
        }
        return out
    }
}

/// soft(u, t) = sign(u)·max(|u| − t, 0).
@inline(__always)
public func softThreshold(_ u: Double, _ t: Double) -> Double {
    u > t ? u - t : (u < -t ? u + t : 0)
}
