import Foundation

extension KineticLangevin {
    /// BAOAB (Leimkuhler–Matthews) up to the last kick: B(h/2), A(h/2), O(h): V ← e^{−γh}V +
    /// √(1 − e^{−2γh}) ξ, A(h/2); the final B(h/2) follows the new gradient. Exact position marginal
    /// on Gaussian targets.
    func baoabStep<N: NoiseSource>(_ noise: N) {
        let h = stepSize, (decay, sd) = Integrators.ouCoefficients(friction: friction, time: h)
        Integrators.kick(s.v, s.g, by: 0.5 * h, s.d)
        Integrators.drift(s.x, s.v, by: 0.5 * h, s.d)
        Integrators.refresh(s.v, decay: decay, sd: sd, s.d, noise: noise)
        Integrators.drift(s.x, s.v, by: 0.5 * h, s.d)
    }
}
