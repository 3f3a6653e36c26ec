/// Euler–Maruyama for kinetic Langevin: X' = X + hV, V' = V − h(γV + ∇U(X)) + √(2γh) ξ.
public final class KineticEuler<Target: LogDensity>: MarkovKernel {
    public let target: Target
    public let stepSize: Double, friction: Double
    public var dimension: Int { s.d }
    public private(set) var counts = OracleCounts()
    private let s: KineticState

    public init(target: Target, stepSize: Double, friction: Double) {
        self.target = target; self.stepSize = stepSize; self.friction = friction
        s = KineticState(dimension: target.dimension)
    }

    public var position: UnsafePointer<Double> { UnsafePointer(s.x) }
    public var positionIsFinite: Bool { s.positionIsFinite }

    public func reset(to start: UnsafePointer<Double>) { s.reset(to: start, target: target, counts: &counts) }

    public func step(rng: RandomStream) -> Bool { advance(rng) }
    public func step(noise: ScriptedNoise) -> Bool { advance(noise) }

    private func advance<N: NoiseSource>(_ noise: N) -> Bool {
        let h = stepSize, gamma = friction, sd = (2 * gamma * h).squareRoot()
        for j in 0..<s.d {
            let v = s.v[j]
            s.x[j] += h * v
            s.v[j] = v - h * gamma * v + h * s.g[j] + sd * noise.normal()
        }
        _ = target.logDensityAndGradient(at: s.x, gradient: s.g)
        counts.gradientEvaluations += 1
        return true
    }
}
