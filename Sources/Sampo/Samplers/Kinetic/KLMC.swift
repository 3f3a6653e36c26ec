/// Kinetic Langevin Monte Carlo of Cheng et al.: the exact OU flow over h with the gradient
/// frozen at X. Per coordinate (X', V') is Gaussian with mean
/// (X + φ(h)V − ψ(h)∇U(X), η(h)V − φ(h)∇U(X)) and covariance 2γ·[[V_A, C], [C, V_E]](h).
public final class KLMC<Target: LogDensity>: MarkovKernel {
    public let target: Target
    public let stepSize: Double, friction: Double
    public var dimension: Int { s.d }
    public private(set) var counts = OracleCounts()
    private let s: KineticState
    private let eta, phi, psi, sdV, slope, sdX: Double

    public init(target: Target, stepSize: Double, friction: Double) {
        self.target = target; self.stepSize = stepSize; self.friction = friction
        s = KineticState(dimension: target.dimension)
        let c = OUCoefficients(gamma: friction), h = stepSize
        eta = c.eta(h); phi = c.phi(h); psi = c.psi(h)
        let sxx = 2 * friction * c.varianceA(h), sxv = 2 * friction * c.covarianceAE(h), svv = 2 * friction * c.varianceE(h)
        sdV = svv.squareRoot()
        slope = svv > 0 ? sxv / svv : 0
        sdX = max(sxx - sxv * slope, 0).squareRoot()
    }

    public var position: UnsafePointer<Double> { UnsafePointer(s.x) }
    public var positionIsFinite: Bool { s.positionIsFinite }

    public func reset(to start: UnsafePointer<Double>) { s.reset(to: start, target: target, counts: &counts) }

    public func step(rng: RandomStream) -> Bool { advance(rng) }
    public func step(noise: ScriptedNoise) -> Bool { advance(noise) }

    private func advance<N: NoiseSource>(_ noise: N) -> Bool {
        for j in 0..<s.d {
            let x = s.x[j], v = s.v[j], g = s.g[j]   // g = ∇log π = −∇U
            let meanX = x + phi * v + psi * g, meanV = eta * v + phi * g
            let dv = sdV * noise.normal()
            s.v[j] = meanV + dv
            s.x[j] = meanX + slope * dv + sdX * noise.normal()
        }
        _ = target.logDensityAndGradient(at: s.x, gradient: s.g)
        counts.gradientEvaluations += 1
        return true
    }
}
