import Foundation

extension KineticLangevin {
    /// OBABO, first half: O(h/2): V ← e^{−γh/2}V + √(1 − e^{−γh}) ξ; B(h/2): V ← V + (h/2)∇log π(X);
    /// A(h): X ← X + hV. The new gradient is then evaluated and `obaboFinish` applies B(h/2) and O(h/2).
    func obaboStep<N: NoiseSource>(_ noise: N) {
        let h = stepSize, (decay, sd) = Integrators.ouCoefficients(friction: friction, time: h / 2)
        Integrators.refresh(s.v, decay: decay, sd: sd, s.d, noise: noise)
        Integrators.kick(s.v, s.g, by: 0.5 * h, s.d)
        Integrators.drift(s.x, s.v, by: h, s.d)
    }

    func obaboFinish<N: NoiseSource>(_ noise: N) {
        let h = stepSize, (decay, sd) = Integrators.ouCoefficients(friction: friction, time: h / 2)
        Integrators.kick(s.v, s.g, by: 0.5 * h, s.d)
        Integrators.refresh(s.v, decay: decay, sd: sd, s.d, noise: noise)
    }
}
