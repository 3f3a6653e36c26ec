import Foundation

/// The pieces Hamiltonian and kinetic Langevin integrators are made of, on position x, velocity
/// (momentum) v and the cached gradient g = ∇log π(x), each `d` doubles:
/// B (kick) v ← v + a·g, A (drift) x ← x + a·M⁻¹v, O (Ornstein–Uhlenbeck) v ← e^{−γτ}v + √(1 − e^{−2γτ}) ξ.
/// BAOAB and OBABO are written with them, and so is the one leapfrog B(h/2) A(h) B(h/2)
/// (`HamiltonianKernel.leapfrog`, with a metric; HMC, NUTS and tempering's HMC explorer use it).
public enum Integrators {
    /// B: v ← v + a·g.
    @inlinable @inline(__always)
    public static func kick(_ v: UnsafeMutablePointer<Double>, _ g: UnsafePointer<Double>, by a: Double, _ d: Int) {
        for j in 0..<d { v[j] += a * g[j] }
    }

    /// A: x ← x + a·M⁻¹v (`inverseMetric` diagonal, nil for the identity).
    @inlinable @inline(__always)
    public static func drift(_ x: UnsafeMutablePointer<Double>, _ v: UnsafePointer<Double>, by a: Double, _ d: Int,
                             inverseMetric: UnsafePointer<Double>? = nil) {
        if let m = inverseMetric {
            for j in 0..<d { x[j] += a * m[j] * v[j] }
        } else {
            for j in 0..<d { x[j] += a * v[j] }
        }
    }

    /// O: v ← decay·v + sd·ξ with decay = e^{−γτ} and sd = √(1 − e^{−2γτ}) (see `ouCoefficients`).
    @inlinable @inline(__always)
    public static func refresh<N: NoiseSource>(_ v: UnsafeMutablePointer<Double>, decay: Double, sd: Double, _ d: Int,
                                               noise: N) {
        for j in 0..<d { v[j] = decay * v[j] + sd * noise.normal() }
    }

    /// (e^{−γτ}, √(1 − e^{−2γτ})) for the O step of length τ, accurate for small γτ.
    @inlinable
    public static func ouCoefficients(friction gamma: Double, time tau: Double) -> (decay: Double, sd: Double) {
        (exp(-gamma * tau), (-expm1(-2 * gamma * tau)).squareRoot())
    }
}
