/// Joint draws of the Brownian integrals that randomized-midpoint kinetic Langevin needs, per
/// coordinate: (A(0,a), E(0,h), A(0,h)) for 0 < a < h. Each subinterval [0,a], [a,h] of length τ
/// contributes E ~ N(0, V_E(τ)) and A | E ~ N((tanh(γτ/2)/γ)E, V_A(τ) − C(τ)²/V_E(τ)); then
/// A(0,a) = A₁, E(0,h) = e^{−γ(h−a)}E₁ + E₂, A(0,h) = A₁ + A₂ + φ(h−a)E₁.
public struct BrownianIntegrals: Sendable {
    public let coefficients: OUCoefficients
    public let h: Double

    public init(gamma: Double, h: Double) {
        coefficients = OUCoefficients(gamma: gamma)
        self.h = h
    }

    /// (sd of E, regression slope of A on E, conditional sd of A) on an interval τ.
    @inline(__always)
    func interval(_ tau: Double) -> (Double, Double, Double) {
        let c = coefficients
        let ve = c.varianceE(tau), cae = c.covarianceAE(tau), va = c.varianceA(tau)
        guard ve > 0 else { return (0, 0, 0) }
        let slope = cae / ve
        return (ve.squareRoot(), slope, max(va - cae * slope, 0).squareRoot())
    }

    /// One draw of (A(0,a), E(0,h), A(0,h)).
    @inline(__always)
    public func draw<N: NoiseSource>(a: Double, noise: N) -> (Double, Double, Double) {
        let (se1, b1, sa1) = interval(a), (se2, b2, sa2) = interval(h - a)
        let e1 = se1 * noise.normal(), a1 = b1 * e1 + sa1 * noise.normal()
        let e2 = se2 * noise.normal(), a2 = b2 * e2 + sa2 * noise.normal()
        let c = coefficients
        return (a1, c.eta(h - a) * e1 + e2, a1 + a2 + c.phi(h - a) * e1)
    }

    /// The exact covariance matrix of (A(0,a), E(0,h), A(0,h)), row-major 3 × 3.
    public func covariance(a: Double) -> [Double] {
        let c = coefficients
        let vAa = c.varianceA(a), vEh = c.varianceE(h), vAh = c.varianceA(h)
        let cAaEh = c.eta(h - a) * c.covarianceAE(a)
        let cAaAh = vAa + c.phi(h - a) * c.covarianceAE(a)
        let cEhAh = c.covarianceAE(h)
        return [vAa, cAaEh, cAaAh, cAaEh, vEh, cEhAh, cAaAh, cEhAh, vAh]
    }
}
