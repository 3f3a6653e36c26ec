/// Metropolis-adjusted Langevin: propose y = x + h∇log π(x) + √(2h) ξ and accept with
/// log α = log π(y) − log π(x) − (‖x − y − h∇log π(y)‖² − ‖y − x − h∇log π(x)‖²)/(4h).
/// A rejection repeats x. One gradient per step.
public final class MALA<Target: LogDensity>: MarkovKernel {
    public let target: Target
    public let stepSize: Double
    public let dimension: Int
    @exclusivity(unchecked) public private(set) var counts = OracleCounts()
    @exclusivity(unchecked) private var mh = MetropolisHastings()
    private let buffers: VectorBuffers
    private let x, grad, y, gradY: UnsafeMutablePointer<Double>
    @exclusivity(unchecked) private var logP = -Double.infinity
    private let noiseScale: Double

    public init(target: Target, stepSize: Double) throws(SampoError) {
        try KernelChecks.stepSize(stepSize)
        try KernelChecks.dimension(target.dimension)
        self.target = target
        self.stepSize = stepSize
        dimension = target.dimension
        noiseScale = (2 * stepSize).squareRoot()
        buffers = VectorBuffers(dimension: dimension, count: 4)
        x = buffers[0]; grad = buffers[1]; y = buffers[2]; gradY = buffers[3]
    }

    public var position: UnsafePointer<Double> { UnsafePointer(x) }
    public var positionIsFinite: Bool { VectorBuffers.allFinite(x, dimension) }
    public var nanProposals: Int { mh.nanProposals }

    @discardableResult
    public func reset(to start: UnsafePointer<Double>) -> Double {
        x.update(from: start, count: dimension)
        logP = target.logDensityAndGradient(at: x, gradient: grad)
        counts.gradientEvaluations += 1
        return logP
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
