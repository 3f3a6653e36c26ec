import Foundation

extension KineticLangevin {
    /// OBABO, first half: O(h/2): V ← e^{−γh/2}V + √(1 − e^{−γh}) ξ; B(h/2): V ← V + (h/2)∇log π(X);
    /// A(h): X ← X + hV. The new gradient is then evaluated and `obaboFinish` applies B(h/2) and O(h/2).
    func obaboStep<N: NoiseSource>(_ noise: N) {
        let h = stepSize, decay = exp(-friction * h / 2), sd = (-expm1(-friction * h)).squareRoot()
        for j in 0..<s.d {
            s.v[j] = decay * s.v[j] + sd * noise.normal()
            s.v[j] += 0.5 * h * s.g[j]
            s.x[j] += h * s.v[j]
        }
    }

    func obaboFinish<N: NoiseSource>(_ noise: N) {
        let h = stepSize, decay = exp(-friction * h / 2), sd = (-expm1(-friction * h)).squareRoot()
        for j in 0..<s.d {
            s.v[j] += 0.5 * h * s.g[j]
            s.v[j] = decay * s.v[j] + sd * noise.normal()
        }
    }
}
