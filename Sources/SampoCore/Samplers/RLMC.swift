/// Randomized-midpoint overdamped Langevin: α ~ U(0,1), ξ₁ ~ N(0, αhI), ξ₂ ~ N(0, (1−α)hI);
/// x_mid = x − αh∇U(x) + √2 ξ₁; x' = x − h∇U(x_mid) + √2(ξ₁ + ξ₂). Both noises come from one
/// Brownian path (ξ₁ is reused). Two gradients per step.
public final class RLMC<Target: LogDensity>: MarkovKernel {
    public let target: Target
    public let stepSize: Double
    public let dimension: Int
    public private(set) var counts = OracleCounts()
    private let x, g, mid, gMid, xi1: UnsafeMutablePointer<Double>

    public init(target: Target, stepSize: Double) {
        self.target = target; self.stepSize = stepSize
        let d = target.dimension
        dimension = d
        x = .allocate(capacity: d); g = .allocate(capacity: d); mid = .allocate(capacity: d)
        gMid = .allocate(capacity: d); xi1 = .allocate(capacity: d)
        for p in [x, g, mid, gMid, xi1] { p.initialize(repeating: 0, count: d) }
    }

    deinit { for p in [x, g, mid, gMid, xi1] { p.deallocate() } }

    public var position: UnsafePointer<Double> { UnsafePointer(x) }

    public func reset(to start: UnsafePointer<Double>) {
        x.update(from: start, count: dimension)
        _ = target.logDensityAndGradient(at: x, gradient: g)
        counts.gradientEvaluations += 1
    }

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
