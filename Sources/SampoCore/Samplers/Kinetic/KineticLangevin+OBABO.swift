import Foundation

extension KineticLangevin {
    /// OBABO, first half: O(h/2): V ← e^{−γh/2}V + √(1 − e^{−γh}) ξ; B(h/2): V ← V + (h/2)∇log π(X);
    /// A(h): X ← X + hV. The new gradient is then evaluated and `obaboFinish` applies B(h/2) and O(h/2).
    func obaboStep<N: NoiseSource>(_ noise: N) {
        let h = stepSize, (decay, sd) = Integrators.ouCoefficients(friction: friction, time: h / 2)
        refresh(decay: decay, sd: sd, noise: noise)
        Integrators.kick(v, g, by: 0.5 * h, dimension)
        drift(by: h)
    }

    func obaboFinish<N: NoiseSource>(_ noise: N) {
        let h = stepSize, (decay, sd) = Integrators.ouCoefficients(friction: friction, time: h / 2)
        Integrators.kick(v, g, by: 0.5 * h, dimension)
        refresh(decay: decay, sd: sd, noise: noise)
    }
}
