extension KineticLangevin {
    /// Euler–Maruyama: X' = X + hV, V' = V − h(γV + ∇U(X)) + √(2γh) ξ (∇U = −∇log π); with a mass
    /// matrix X' = X + hM⁻¹V and ξ ~ N(0, M).
    func eulerStep<N: NoiseSource>(_ noise: N) {
        let h = stepSize, gamma = friction, sd = (2 * gamma * h).squareRoot()
        if preconditioned {
            drift(by: h)
            metric.drawMomentum(scratch, noise: noise)
            for j in 0..<dimension { v[j] += -h * gamma * v[j] + h * g[j] + sd * scratch[j] }
            return
        }
        for j in 0..<dimension {
            let vj = v[j]
            x[j] += h * vj
            v[j] = vj - h * gamma * vj + h * g[j] + sd * noise.normal()
        }
    }
}
