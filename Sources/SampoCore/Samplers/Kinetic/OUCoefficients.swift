import Foundation

/// Coefficients of the Ornstein–Uhlenbeck flow of kinetic Langevin with friction γ:
/// η(t) = e^{−γt}, φ(t) = (1 − e^{−γt})/γ, ψ(t) = (t − φ(t))/γ, and the (co)variances of the
/// Brownian integrals E(0,τ) = ∫e^{−γ(τ−r)}dW and A(0,τ) = ∫φ(τ−r)dW.
public struct OUCoefficients: Sendable {
    public let gamma: Double

    public init(gamma: Double) { self.gamma = gamma }

    public func eta(_ t: Double) -> Double { exp(-gamma * t) }
    public func phi(_ t: Double) -> Double { -expm1(-gamma * t) / gamma }
    public func psi(_ t: Double) -> Double { (t - phi(t)) / gamma }

    /// Var E(0,τ) = (1 − e^{−2γτ})/(2γ).
    public func varianceE(_ tau: Double) -> Double { -expm1(-2 * gamma * tau) / (2 * gamma) }

    /// Cov(A(0,τ), E(0,τ)) = (1 − e^{−γτ})²/(2γ²).
    public func covarianceAE(_ tau: Double) -> Double { let e = expm1(-gamma * tau); return e * e / (2 * gamma * gamma) }

    /// Var A(0,τ) = (2x − 3 + 4e^{−x} − e^{−2x})/(2γ³), x = γτ. The O(1) terms cancel for small x,
    /// so below x = 0.1 the series Σ_{n≥3} (4(−1)ⁿ − (−2)ⁿ) xⁿ/n! is summed instead.
    public func varianceA(_ tau: Double) -> Double {
        let x = gamma * tau
        return x < 0.1 ? Self.varianceASeries(x) / (2 * gamma * gamma * gamma) : Self.varianceAClosed(x) / (2 * gamma * gamma * gamma)
    }

    /// 2x + 4·expm1(−x) − expm1(−2x).
    public static func varianceAClosed(_ x: Double) -> Double { 2 * x + 4 * expm1(-x) - expm1(-2 * x) }

    /// Σ_{n=3}^{14} (4(−1)ⁿ − (−2)ⁿ) xⁿ/n!.
    public static func varianceASeries(_ x: Double) -> Double {
        var term = x * x / 2      // xⁿ/n! at n = 2
        var powerOfMinusTwo = 4.0 // (−2)ⁿ at n = 2
        var sum = 0.0
        for n in 3...14 {
            term *= x / Double(n)
            powerOfMinusTwo *= -2
            let powerOfMinusOne = n % 2 == 0 ? 1.0 : -1.0
            sum += (4 * powerOfMinusOne - powerOfMinusTwo) * term
        }
        return sum
    }
}
