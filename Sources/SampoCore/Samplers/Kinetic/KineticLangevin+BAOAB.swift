import Foundation

extension KineticLangevin {
    /// BAOAB (Leimkuhler–Matthews) up to the last kick: B(h/2), A(h/2), O(h): V ← e^{−γh}V +
    /// √(1 − e^{−2γh}) ξ, A(h/2); the final B(h/2) follows the new gradient. Exact position marginal
    /// on Gaussian targets.
    func baoabStep<N: NoiseSource>(_ noise: N) {
        let h = stepSize, (decay, sd) = Integrators.ouCoefficients(friction: friction, time: h)
        Integrators.kick(v, g, by: 0.5 * h, dimension)
        drift(by: 0.5 * h)
        refresh(decay: decay, sd: sd, noise: noise)
        drift(by: 0.5 * h)
    }
}
