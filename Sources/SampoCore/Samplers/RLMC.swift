/// Randomized-midpoint overdamped Langevin: α ~ U(0,1), ξ₁ ~ N(0, αhI), ξ₂ ~ N(0, (1−α)hI);
/// x_mid = x − αh∇U(x) + √2 ξ₁; x' = x − h∇U(x_mid) + √2(ξ₁ + ξ₂). Both noises come from one
/// Brownian path (ξ₁ is reused). Two gradients per step.
public final class RLMC<Target: LogDensity>: MarkovKernel {
    public let target: Target
    public let stepSize: Double
    public let dimension: Int
    @exclusivity(unchecked) public private(set) var counts = OracleCounts()
    private let buffers: VectorBuffers
    private let x, g, mid, gMid, xi1: UnsafeMutablePointer<Double>

    public init(target: Target, stepSize: Double) throws(SampoError) {
        try KernelChecks.stepSize(stepSize)
        try KernelChecks.dimension(target.dimension)
        self.target = target; self.stepSize = stepSize
        dimension = target.dimension
        buffers = VectorBuffers(dimension: dimension, count: 5)
        x = buffers[0]; g = buffers[1]; mid = buffers[2]; gMid = buffers[3]; xi1 = buffers[4]
    }

    public var position: UnsafePointer<Double> { UnsafePointer(x) }
    public var positionIsFinite: Bool { VectorBuffers.allFinite(x, dimension) }

    @discardableResult
    public func reset(to start: UnsafePointer<Double>) -> Double {
        x.update(from: start, count: dimension)
        counts.gradientEvaluations += 1
        return target.logDensityAndGradient(at: x, gradient: g)
    }

    @_specialize(where Target == GaussianMixture)
    public func step(rng: RandomStream) -> Bool { advance(rng) }
    public func step(noise: ScriptedNoise) -> Bool { advance(noise) }

    private func advance<N: NoiseSource>(_ noise: N) -> Bool {
        let h = stepSize, alpha = noise.uniform()
        let s1 = (alpha * h).squareRoot(), s2 = ((1 - alpha) * h).squareRoot(), root2 = 2.0.squareRoot()
        for j in 0..<dimension {
            xi1[j] = s1 * noise.normal()
            mid[j] = x[j] + alpha * h * g[j] + root2 * xi1[j]
        }
        _ = target.logDensityAndGradient(at: mid, gradient: gMid)
        for j in 0..<dimension { x[j] += h * gMid[j] + root2 * (xi1[j] + s2 * noise.normal()) }
        _ = target.logDensityAndGradient(at: x, gradient: g)
        counts.gradientEvaluations += 2
        return true
    }
}
