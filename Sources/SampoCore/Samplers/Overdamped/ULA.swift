/// Unadjusted Langevin algorithm: x' = x + h ∇log π(x) + √(2h) ξ. One gradient per step;
/// biased for fixed h (on N(0, σ²) its stationary variance is σ²/(1 − h/(2σ²))).
public final class ULA<Target: LogDensity>: GradientKernelBase<Target>, MarkovKernel {
    private let noiseScale: Double

    public init(target: Target, stepSize: Double) throws(SampoError) {
        let buffers = try Self.allocate(dimension: target.dimension, stepSize: stepSize, vectors: 2)
        noiseScale = (2 * stepSize).squareRoot()
        super.init(target: target, buffers: buffers, stepSize: stepSize)
    }

    @_specialize(where Target == GaussianMixture)
    public func step(rng: RandomStream) -> Bool { advance(rng) }
    public func step(noise: ScriptedNoise) -> Bool { advance(noise) }

    @inline(__always)
    private func advance<N: NoiseSource>(_ noise: N) -> Bool {
        for j in 0..<dimension { x[j] += stepSize * grad[j] + noiseScale * noise.normal() }
        _ = target.logDensityAndGradient(at: x, gradient: grad)
        counts.gradientEvaluations += 1
        return true
    }
}
