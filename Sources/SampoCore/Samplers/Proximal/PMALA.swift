import Foundation

/// Proximal MALA (Pereyra 2016) with δ = 2h: y ~ N(m(x), δI), m(x) = prox_{(δ/2)U}(x), accepted
/// against the true π with q(a|b) ∝ exp(−‖a − m(b)‖²/(2δ)). The prox of U = f + g is the
/// forward–backward approximation m(x) = prox_{hg}(x − h∇f(x)); for targets without that split
/// m(x) = x + h∇log π_h(x) (see `ProximalView`). One gradient and one density per step.
public final class PMALA: MetropolisKernelBase, MarkovKernel, StepSizeAdaptable {
    let view: ProximalView
    private let mx, y, my, scratch: UnsafeMutablePointer<Double>

    public init(target: any LogDensity, stepSize: Double) throws(SampoError) {
        let buffers = try Self.allocate(dimension: target.dimension, stepSize: stepSize, vectors: 5)
        view = ProximalView(target)
        mx = buffers[1]; y = buffers[2]; my = buffers[3]; scratch = buffers[4]
        super.init(buffers: buffers, stepSize: stepSize)
    }

    @discardableResult
    public func reset(to start: UnsafePointer<Double>) -> Double {
        x.update(from: start, count: dimension)
        view.forwardBackward(x, tau: stepSize, into: mx, scratch: scratch)
        logP = view.target.logDensity(at: x)
        counts.gradientEvaluations += 1
        counts.densityEvaluations += 1
        return logP
    }

    /// The proposal mean depends on h, so it is recomputed at x (one more gradient).
    public override func adapt(stepSize h: Double) {
        super.adapt(stepSize: h)
        view.forwardBackward(x, tau: h, into: mx, scratch: scratch)
        counts.gradientEvaluations += 1
    }

    public func step(rng: RandomStream) -> Bool { advance(rng) }
    public func step(noise: ScriptedNoise) -> Bool { advance(noise) }

    private func advance<N: NoiseSource>(_ noise: N) -> Bool {
        let h = stepSize, sd = (2 * h).squareRoot(), d = dimension
        LangevinProposal.propose(into: y, mean: mx, sd: sd, d, noise: noise)
        view.forwardBackward(y, tau: h, into: my, scratch: scratch)
        let logPY = view.target.logDensity(at: y)
        counts.gradientEvaluations += 1
        counts.densityEvaluations += 1
        let logAlpha = logPY - logP + LangevinProposal.logRatio(x: x, meanX: mx, y: y, meanY: my, stepSize: h, d)
        return acceptMove(logAlpha: logAlpha, to: y, logDensity: logPY, cache: mx, from: my, noise: noise)
    }
}
