import Foundation

extension KineticLangevin {
    /// BAOAB (Leimkuhler–Matthews) up to the last kick: B(h/2), A(h/2), O(h): V ← e^{−γh}V +
    /// √(1 − e^{−2γh}) ξ, A(h/2); the final B(h/2) follows the new gradient. Exact position marginal
    /// on Gaussian targets.
    func baoabStep<N: NoiseSource>(_ noise: N) {
        let h = stepSize, decay = exp(-friction * h), sd = (-expm1(-2 * friction * h)).squareRoot()
        for j in 0..<s.d {
            s.v[j] += 0.5 * h * s.g[j]
            s.x[j] += 0.5 * h * s.v[j]
            s.v[j] = decay * s.v[j] + sd * noise.normal()
            s.x[j] += 0.5 * h * s.v[j]
        }
    }
}
