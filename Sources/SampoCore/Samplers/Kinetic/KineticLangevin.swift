import Foundation

/// Kinetic (underdamped) Langevin, dX = V dt, dV = −γV dt + ∇log π(X) dt + √(2γ) dW, discretised by
/// one of four one-gradient schemes (each in its own file as an extension):
/// Euler–Maruyama, OBABO and BAOAB splittings, and KLMC's exact OU flow with a frozen gradient.
/// The draws record positions; velocities are internal and start at 0.
public final class KineticLangevin<Target: LogDensity>: KineticKernelBase<Target>, MarkovKernel, MetricCarrying {
    /// The discretisation of one step.
    public enum Scheme: String, Sendable { case euler, obabo, baoab, klmc }

    public let scheme: Scheme
    /// KLMC's per-step constants: η, φ, ψ, the sd of V′, the slope of X′ on V′, the conditional sd of X′.
    let eta, phi, psi, sdV, slope, sdX: Double

    public init(target: Target, scheme: Scheme, stepSize: Double, friction: Double) throws(SampoError) {
        let buffers = try Self.allocate(dimension: target.dimension, stepSize: stepSize, friction: friction, extraVectors: 0)
        self.scheme = scheme
        let c = OUCoefficients(gamma: friction), h = stepSize
        eta = c.eta(h); phi = c.phi(h); psi = c.psi(h)
        let sxx = 2 * friction * c.varianceA(h), sxv = 2 * friction * c.covarianceAE(h), svv = 2 * friction * c.varianceE(h)
        sdV = svv.squareRoot()
        slope = svv > 0 ? sxv / svv : 0
        sdX = max(sxx - sxv * slope, 0).squareRoot()
        super.init(target: target, buffers: buffers, stepSize: stepSize, friction: friction)
    }

    /// The mass matrix's inverse for the splittings (Euler, OBABO, BAOAB); KLMC refuses one.
    public func adapt(inverseMetric m: InverseMetric) throws(SampoError) {
        guard scheme != .klmc || m == .unit else {
            throw .invalid(.argument("initialMetric"), "klmc's exact OU flow is written for a unit mass matrix; the splittings (baoab, obabo, kinetic-euler) take one")
        }
        try metric.set(m)
        preconditioned = m != .unit
    }

    @_specialize(where Target == GaussianMixture)
    public func step(rng: RandomStream) -> Bool { advance(rng) }
    public func step(noise: ScriptedNoise) -> Bool { advance(noise) }

    private func advance<N: NoiseSource>(_ noise: N) -> Bool {
        switch scheme {
        case .euler: eulerStep(noise)
        case .obabo: obaboStep(noise)
        case .baoab: baoabStep(noise)
        case .klmc: klmcStep(noise)
        }
        _ = target.logDensityAndGradient(at: x, gradient: g)
        counts.gradientEvaluations += 1
        if scheme == .obabo { obaboFinish(noise) }
        if scheme == .baoab { Integrators.kick(v, g, by: 0.5 * stepSize, dimension) }
        return true
    }
}
