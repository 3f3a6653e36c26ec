extension KineticLangevin {
    /// KLMC (Cheng et al.): the exact OU flow over h with the gradient frozen at X. Per coordinate
    /// (X', V') is Gaussian with mean (X + φ(h)V − ψ(h)∇U(X), η(h)V − φ(h)∇U(X)) and covariance
    /// 2γ·[[V_A, C], [C, V_E]](h); V' is drawn first, then X' given V'.
    func klmcStep<N: NoiseSource>(_ noise: N) {
        for j in 0..<dimension {
            let xj = x[j], vj = v[j], gj = g[j]   // g = ∇log π = −∇U
            let meanX = xj + phi * vj + psi * gj, meanV = eta * vj + phi * gj
            let dv = sdV * noise.normal()
            v[j] = meanV + dv
            x[j] = meanX + slope * dv + sdX * noise.normal()
        }
    }
}
