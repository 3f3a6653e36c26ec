/// Random-walk Metropolis: y = x + s ξ, accepted with log α = log π(y) − log π(x).
/// `stepSize` is the proposal standard deviation s. One density evaluation per step.
public final class RWM<Target: LogDensity>: MarkovKernel {
    public let target: Target
    public let stepSize: Double
    public let dimension: Int
    @exclusivity(unchecked) public private(set) var counts = OracleCounts()
    @exclusivity(unchecked) private var mh = MetropolisHastings()
    private let buffers: VectorBuffers
    private let x, y: UnsafeMutablePointer<Double>
    @exclusivity(unchecked) private var logP = -Double.infinity

    public init(target: Target, stepSize: Double) throws(SampoError) {
        try KernelChecks.stepSize(stepSize)
        try KernelChecks.dimension(target.dimension)
        self.target = target
        self.stepSize = stepSize
        dimension = target.dimension
        buffers = VectorBuffers(dimension: dimension, count: 2)
        x = buffers[0]; y = buffers[1]
    }

    public var position: UnsafePointer<Double> { UnsafePointer(x) }
    public var positionIsFinite: Bool { VectorBuffers.allFinite(x, dimension) }
    public var nanProposals: Int { mh.nanProposals }

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
