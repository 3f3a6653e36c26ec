/// Randomized-midpoint overdamped Langevin: α ~ U(0,1), ξ₁ ~ N(0, αhI), ξ₂ ~ N(0, (1−α)hI);
/// x_mid = x − αh∇U(x) + √2 ξ₁; x' = x − h∇U(x_mid) + √2(ξ₁ + ξ₂). Both noises come from one
/// Brownian path (ξ₁ is reused). Two gradients per step.
public final class RLMC<Target: LogDensity>: GradientKernelBase<Target>, MarkovKernel {
    private let mid, gMid, xi1: UnsafeMutablePointer<Double>

    public init(target: Target, stepSize: Double) throws(SampoError) {
        let buffers = try Self.allocate(dimension: target.dimension, stepSize: stepSize, vectors: 5)
        mid = buffers[2]; gMid = buffers[3]; xi1 = buffers[4]
        super.init(target: target, buffers: buffers, stepSize: stepSize)
    }

    @_specialize(where Target == GaussianMixture)
    public func step(rng: RandomStream) -> Bool { advance(rng) }
    public func step(noise: ScriptedNoise) -> Bool { advance(noise) }

    private func advance<N: NoiseSource>(_ noise: N) -> Bool {
        let h = stepSize, alpha = noise.uniform()
        let s1 = (alpha * h).squareRoot(), s2 = ((1 - alpha) * h).squareRoot(), root2 = 2.0.squareRoot()
        for j in 0..<dimension {
            xi1[j] = s1 * noise.normal()
            mid[j] = x[j] + alpha * h * grad[j] + root2 * xi1[j]
        }
        _ = target.logDensityAndGradient(at: mid, gradient: gMid)
        for j in 0..<dimension { x[j] += h * gMid[j] + root2 * (xi1[j] + s2 * noise.normal()) }
        _ = target.logDensityAndGradient(at: x, gradient: grad)
        counts.gradientEvaluations += 2
        return true
    }
}
