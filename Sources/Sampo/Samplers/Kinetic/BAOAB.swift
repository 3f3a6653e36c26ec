import Foundation

/// BAOAB splitting (Leimkuhler–Matthews): kick, half drift, full OU step, half drift, kick.
/// One gradient per step; exact position marginal on Gaussian targets.
public final class BAOAB<Target: LogDensity>: MarkovKernel {
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
        let h = stepSize, decay = exp(-friction * h), sd = (-expm1(-2 * friction * h)).squareRoot()
        for j in 0..<s.d {
            s.v[j] += 0.5 * h * s.g[j]
            s.x[j] += 0.5 * h * s.v[j]
            s.v[j] = decay * s.v[j] + sd * noise.normal()
            s.x[j] += 0.5 * h * s.v[j]
        }
        _ = target.logDensityAndGradient(at: s.x, gradient: s.g)
        counts.gradientEvaluations += 1
        for j in 0..<s.d { s.v[j] += 0.5 * h * s.g[j] }
        return true
    }
}
