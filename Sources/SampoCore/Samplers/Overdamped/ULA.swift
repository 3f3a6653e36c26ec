/// Unadjusted Langevin algorithm: x' = x + h ∇log π(x) + √(2h) ξ. One gradient per step;
/// biased for fixed h (on N(0, σ²) its stationary variance is σ²/(1 − h/(2σ²))).
public final class ULA<Target: LogDensity>: KernelBase, MarkovKernel {
    public let target: Target
    private let grad: UnsafeMutablePointer<Double>
    private let noiseScale: Double

    public init(target: Target, stepSize: Double) throws(SampoError) {
        let buffers = try Self.allocate(dimension: target.dimension, stepSize: stepSize, vectors: 2)
        self.target = target
        grad = buffers[1]
        noiseScale = (2 * stepSize).squareRoot()
        super.init(buffers: buffers, stepSize: stepSize)
    }

    @discardableResult
    public func reset(to start: UnsafePointer<Double>) -> Double {
        move(to: start, on: target, gradient: grad)
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
