extension KineticLangevin {
    /// Euler–Maruyama: X' = X + hV, V' = V − h(γV + ∇U(X)) + √(2γh) ξ (∇U = −∇log π).
    func eulerStep<N: NoiseSource>(_ noise: N) {
        let h = stepSize, gamma = friction, sd = (2 * gamma * h).squareRoot()
        for j in 0..<dimension {
            let vj = v[j]
            x[j] += h * vj
            v[j] = vj - h * gamma * vj + h * g[j] + sd * noise.normal()
        }
    }
}
