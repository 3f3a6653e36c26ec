/// Metropolis-adjusted Langevin: propose y = x + h∇log π(x) + √(2h) ξ and accept with
/// log α = log π(y) − log π(x) − (‖x − y − h∇log π(y)‖² − ‖y − x − h∇log π(x)‖²)/(4h).
/// A rejection repeats x. One gradient per step.
public final class MALA<Target: LogDensity>: MetropolisKernelBase, MarkovKernel, StepSizeAdaptable {
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

    public override func adapt(stepSize h: Double) {
        super.adapt(stepSize: h)
        noiseScale = (2 * h).squareRoot()
    }

    @_specialize(where Target == GaussianMixture)
    public func step(rng: RandomStream) -> Bool { advance(rng) }
    public func step(noise: ScriptedNoise) -> Bool { advance(noise) }

    @inline(__always)
    private func advance<N: NoiseSource>(_ rng: N) -> Bool {
        let d = dimension, h = stepSize
        for j in 0..<d { y[j] = x[j] + h * grad[j] + noiseScale * rng.normal() }
        let logPY = target.logDensityAndGradient(at: y, gradient: gradY)
        counts.gradientEvaluations += 1
        var forward = 0.0, backward = 0.0
        for j in 0..<d {
            let a = y[j] - x[j] - h * grad[j]
            let b = x[j] - y[j] - h * gradY[j]
            forward += a * a
            backward += b * b
        }
        let logAlpha = logPY - logP - (backward - forward) / (4 * h)
        guard mh.accept(logAlpha: logAlpha, noise: rng) else { return false }
        x.update(from: y, count: d); grad.update(from: gradY, count: d)
        logP = logPY
        return true
    }
}
