extension KineticLangevin {
    /// Euler–Maruyama: X' = X + hV, V' = V − h(γV + ∇U(X)) + √(2γh) ξ (∇U = −∇log π).
    func eulerStep<N: NoiseSource>(_ noise: N) {
        let h = stepSize, gamma = friction, sd = (2 * gamma * h).squareRoot()
        for j in 0..<s.d {
            let v = s.v[j]
            s.x[j] += h * v
            s.v[j] = v - h * gamma * v + h * s.g[j] + sd * noise.normal()
        }
    }
}
