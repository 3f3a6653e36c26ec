/// Randomized-midpoint kinetic Langevin (Shen & Lee 2019, in units u = 1, σ = √(2γ)):
/// a = αh with α ~ U(0,1); X_mid = X + φ(a)V − ψ(a)∇U(X) + σA(0,a); g = ∇U(X_mid);
/// V' = η(h)V − hη(h−a)g + σE(0,h); X' = X + φ(h)V − hφ(h−a)g + σA(0,h), with the Brownian
/// integrals drawn jointly (`BrownianIntegrals`). Two gradients per step.
public final class RKLMC<Target: LogDensity>: KineticKernelBase<Target>, MarkovKernel {
    private let mid, gMid, aa, ea, ah: UnsafeMutablePointer<Double>
    private let integrals: BrownianIntegrals

    public init(target: Target, stepSize: Double, friction: Double) throws(SampoError) {
        let buffers = try Self.allocate(dimension: target.dimension, stepSize: stepSize, friction: friction, extraVectors: 5)
        let k = Self.firstFreeVector
        mid = buffers[k]; gMid = buffers[k + 1]; aa = buffers[k + 2]; ea = buffers[k + 3]; ah = buffers[k + 4]
        integrals = BrownianIntegrals(gamma: friction, h: stepSize)
        super.init(target: target, buffers: buffers, stepSize: stepSize, friction: friction)
    }

    @_specialize(where Target == GaussianMixture)
    public func step(rng: RandomStream) -> Bool { advance(rng) }
    public func step(noise: ScriptedNoise) -> Bool { advance(noise) }

    private func advance<N: NoiseSource>(_ noise: N) -> Bool {
        let h = stepSize, a = noise.uniform() * h
        let c = integrals.coefficients, sigma = (2 * friction).squareRoot()
        let phiA = c.phi(a), psiA = c.psi(a), etaH = c.eta(h), phiH = c.phi(h)
        let etaRest = c.eta(h - a), phiRest = c.phi(h - a)
        for j in 0..<dimension {
            let (i1, i2, i3) = integrals.draw(a: a, noise: noise)
            aa[j] = i1; ea[j] = i2; ah[j] = i3
            mid[j] = x[j] + phiA * v[j] + psiA * g[j] + sigma * i1
        }
        _ = target.logDensityAndGradient(at: mid, gradient: gMid)
        for j in 0..<dimension {
            let vj = v[j]
            v[j] = etaH * vj + h * etaRest * gMid[j] + sigma * ea[j]
            x[j] = x[j] + phiH * vj + h * phiRest * gMid[j] + sigma * ah[j]
        }
        _ = target.logDensityAndGradient(at: x, gradient: g)
        counts.gradientEvaluations += 2
        return true
    }
}
