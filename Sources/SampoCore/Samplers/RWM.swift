/// Random-walk Metropolis: y = x + s ξ, accepted with log α = log π(y) − log π(x).
/// `stepSize` is the proposal standard deviation s. One density evaluation per step.
public final class RWM<Target: LogDensity>: MetropolisKernelBase, MarkovKernel, StepSizeAdaptable {
    public let target: Target
    private let y: UnsafeMutablePointer<Double>

    public init(target: Target, stepSize: Double) throws(SampoError) {
        let buffers = try Self.allocate(dimension: target.dimension, stepSize: stepSize, vectors: 2)
        self.target = target
        y = buffers[1]
        super.init(buffers: buffers, stepSize: stepSize)
    }

    @discardableResult
    public func reset(to start: UnsafePointer<Double>) -> Double {
        x.update(from: start, count: dimension)
        logP = target.logDensity(at: x)
        counts.densityEvaluations += 1
        return logP
    }

    @_specialize(where Target == GaussianMixture)
    public func step(rng: RandomStream) -> Bool { advance(rng) }
    public func step(noise: ScriptedNoise) -> Bool { advance(noise) }

    @inline(__always)
    private func advance<N: NoiseSource>(_ rng: N) -> Bool {
        for j in 0..<dimension { y[j] = x[j] + stepSize * rng.normal() }
        let logPY = target.logDensity(at: y)
        counts.densityEvaluations += 1
        guard mh.accept(logAlpha: logPY - logP, noise: rng) else { return false }
        x.update(from: y, count: dimension)
        logP = logPY
        return true
    }
}
