/// Metropolis-adjusted Langevin: propose y = x + h∇log π(x) + √(2h) ξ and accept with
/// log α = log π(y) − log π(x) − (‖x − y − h∇log π(y)‖² − ‖y − x − h∇log π(x)‖²)/(4h).
/// A rejection repeats x. One gradient per step.
public final class MALA<Target: LogDensity>: MetropolisKernelBase, MarkovKernel, StepSizeAdaptable, StateRestorable {
    public let target: Target
    private let grad, y, gradY: UnsafeMutablePointer<Double>
    @exclusivity(unchecked) private var noiseScale: Double

    public init(target: Target, stepSize: Double) throws(SampoError) {
        let buffers = try Self.allocate(dimension: target.dimension, stepSize: stepSize, vectors: 4)
        self.target = target
        grad = buffers[1]; y = buffers[2]; gradY = buffers[3]
        noiseScale = (2 * stepSize).squareRoot()
        super.init(buffers: buffers, stepSize: stepSize)
    }

    @discardableResult
    public func reset(to start: UnsafePointer<Double>) -> Double {
        logP = move(to: start, on: target, gradient: grad)
        return logP
    }

    public func restore(position: UnsafePointer<Double>, logDensity: Double, gradient: UnsafePointer<Double>?) {
        install(position, gradient: gradient, into: grad)
        logP = logDensity
    }

    public override func adapt(stepSize h: Double) {
        super.adapt(stepSize: h)
        noiseScale = (2 * h).squareRoot()
    }

    @_specialize(where Target == GaussianMixture)
    // Tempering (SMC's particles, PT's replicas) runs them on a tempered mixture.
    @_specialize(where Target == TemperedDensity<GaussianMixture>)
    public func step(rng: RandomStream) -> Bool { advance(rng) }
    public func step(noise: ScriptedNoise) -> Bool { advance(noise) }

    @inline(__always)
    private func advance<N: NoiseSource>(_ rng: N) -> Bool {
        let d = dimension, h = stepSize
        LangevinProposal.propose(into: y, from: x, gradient: grad, stepSize: h, sd: noiseScale, d, noise: rng)
        let logPY = target.logDensityAndGradient(at: y, gradient: gradY)
        counts.gradientEvaluations += 1
        let logAlpha = logPY - logP + LangevinProposal.logRatio(x: x, gradientX: grad, y: y, gradientY: gradY, stepSize: h, d)
        return acceptMove(logAlpha: logAlpha, to: y, logDensity: logPY, cache: grad, from: gradY, noise: rng)
    }
}
