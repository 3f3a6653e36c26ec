/// Proximal (stochastic) gradient Langevin: x' = prox_{hg}(x + h∇log f(x) + √(2h) ξ).
/// On a target without a proximable part g = 0 and this is ULA. One gradient per step.
public final class PSGLA: KernelBase, MarkovKernel {
    let view: ProximalView
    private let g, z: UnsafeMutablePointer<Double>

    public init(target: any LogDensity, stepSize: Double) throws(SampoError) {
        let buffers = try Self.allocate(dimension: target.dimension, stepSize: stepSize, vectors: 3)
        view = ProximalView(target)
        g = buffers[1]; z = buffers[2]
        super.init(buffers: buffers, stepSize: stepSize)
    }

    @discardableResult
    public func reset(to start: UnsafePointer<Double>) -> Double {
        x.update(from: start, count: dimension)
        view.smoothGradient(x, into: g)
        counts.gradientEvaluations += 1
        counts.densityEvaluations += 1
        return view.target.logDensity(at: x)
    }

    public func step(rng: RandomStream) -> Bool { advance(rng) }
    public func step(noise: ScriptedNoise) -> Bool { advance(noise) }

    private func advance<N: NoiseSource>(_ noise: N) -> Bool {
        let h = stepSize, sd = (2 * h).squareRoot()
        for j in 0..<dimension { z[j] = x[j] + h * g[j] + sd * noise.normal() }
        view.proxOfNonsmooth(z, tau: h, into: x)
        view.smoothGradient(x, into: g)
        counts.gradientEvaluations += 1
        return true
    }
}
