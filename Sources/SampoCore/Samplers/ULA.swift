/// Unadjusted Langevin algorithm: x' = x + h ∇log π(x) + √(2h) ξ. One gradient per step;
/// biased for fixed h (on N(0, σ²) its stationary variance is σ²/(1 − h/(2σ²))).
public final class ULA<Target: LogDensity>: MarkovKernel {
    public let target: Target
    public let stepSize: Double
    public let dimension: Int
    public private(set) var counts = OracleCounts()
    private let x: UnsafeMutablePointer<Double>
    private let grad: UnsafeMutablePointer<Double>
    private let noiseScale: Double

    public init(target: Target, stepSize: Double) {
        self.target = target
        self.stepSize = stepSize
        dimension = target.dimension
        noiseScale = (2 * stepSize).squareRoot()
        x = .allocate(capacity: dimension); x.initialize(repeating: 0, count: dimension)
        grad = .allocate(capacity: dimension); grad.initialize(repeating: 0, count: dimension)
    }

    deinit { x.deallocate(); grad.deallocate() }

    public var position: UnsafePointer<Double> { UnsafePointer(x) }

    public func reset(to start: UnsafePointer<Double>) {
        x.update(from: start, count: dimension)
        _ = target.logDensityAndGradient(at: x, gradient: grad)
        counts.gradientEvaluations += 1
    }

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
