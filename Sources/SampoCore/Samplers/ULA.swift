/// Unadjusted Langevin algorithm: x' = x + h ∇log π(x) + √(2h) ξ. One gradient per step;
/// biased for fixed h (on N(0, σ²) its stationary variance is σ²/(1 − h/(2σ²))).
public final class ULA<Target: LogDensity>: MarkovKernel {
    public let target: Target
    public let stepSize: Double
    public let dimension: Int
    @exclusivity(unchecked) public private(set) var counts = OracleCounts()
    private let buffers: VectorBuffers
    private let x, grad: UnsafeMutablePointer<Double>
    private let noiseScale: Double

    public init(target: Target, stepSize: Double) throws(SampoError) {
        try KernelChecks.stepSize(stepSize)
        try KernelChecks.dimension(target.dimension)
        self.target = target
        self.stepSize = stepSize
        dimension = target.dimension
        noiseScale = (2 * stepSize).squareRoot()
        buffers = VectorBuffers(dimension: dimension, count: 2)
        x = buffers[0]; grad = buffers[1]
    }

    public var position: UnsafePointer<Double> { UnsafePointer(x) }
    public var positionIsFinite: Bool { VectorBuffers.allFinite(x, dimension) }

    @discardableResult
    public func reset(to start: UnsafePointer<Double>) -> Double {
        x.update(from: start, count: dimension)
        counts.gradientEvaluations += 1
        return target.logDensityAndGradient(at: x, gradient: grad)
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
