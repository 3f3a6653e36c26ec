import Foundation

/// MYULA's move as a proposal, Metropolis-corrected against the true density π ∝ e^{−f−g}:
/// q(a|b) = N(a; b + h∇log π_λ(b), 2hI). Unbiased. One gradient and one density per step.
public final class MYMALA: MetropolisKernelBase, MarkovKernel, StepSizeAdaptable {
    let view: ProximalView
    public let lambda: Double
    private let g, y, gy: UnsafeMutablePointer<Double>

    public init(target: any LogDensity, stepSize: Double, lambda: Double) throws(SampoError) {
        try KernelChecks.positive(lambda, "lambda")
        let buffers = try Self.allocate(dimension: target.dimension, stepSize: stepSize, vectors: 4)
        view = ProximalView(target)
        self.lambda = lambda
        g = buffers[1]; y = buffers[2]; gy = buffers[3]
        super.init(buffers: buffers, stepSize: stepSize)
    }

    @discardableResult
    public func reset(to start: UnsafePointer<Double>) -> Double {
        x.update(from: start, count: dimension)
        _ = view.smoothed(x, lambda: lambda, gradient: g)
        logP = view.target.logDensity(at: x)
        counts.gradientEvaluations += 1
        counts.densityEvaluations += 1
        return logP
    }

    public func step(rng: RandomStream) -> Bool { advance(rng) }
    public func step(noise: ScriptedNoise) -> Bool { advance(noise) }

    private func advance<N: NoiseSource>(_ noise: N) -> Bool {
        let h = stepSize, sd = (2 * h).squareRoot(), d = dimension
        LangevinProposal.propose(into: y, from: x, gradient: g, stepSize: h, sd: sd, d, noise: noise)
        _ = view.smoothed(y, lambda: lambda, gradient: gy)
        let logPY = view.target.logDensity(at: y)
        counts.gradientEvaluations += 1
        counts.densityEvaluations += 1
        let logAlpha = logPY - logP + LangevinProposal.logRatio(x: x, gradientX: g, y: y, gradientY: gy, stepSize: h, d)
        return acceptMove(logAlpha: logAlpha, to: y, logDensity: logPY, cache: g, from: gy, noise: noise)
    }
}
