/// Randomized-midpoint kinetic Langevin (Shen & Lee 2019, in units u = 1, σ = √(2γ)):
/// a = αh with α ~ U(0,1); X_mid = X + φ(a)V − ψ(a)∇U(X) + σA(0,a); g = ∇U(X_mid);
/// V' = η(h)V − hη(h−a)g + σE(0,h); X' = X + φ(h)V − hφ(h−a)g + σA(0,h), with the Brownian
/// integrals drawn jointly (`BrownianIntegrals`). Two gradients per step.
public final class RKLMC<Target: LogDensity>: MarkovKernel {
    public let target: Target
    public let stepSize: Double, friction: Double
    public var dimension: Int { s.d }
    @exclusivity(unchecked) public private(set) var counts = OracleCounts()
    private let s: KineticState
    private let buffers: VectorBuffers
    private let mid, gMid, aa, ea, ah: UnsafeMutablePointer<Double>
    private let integrals: BrownianIntegrals

    public init(target: Target, stepSize: Double, friction: Double) throws(SampoError) {
        try KernelChecks.stepSize(stepSize)
        try KernelChecks.positive(friction, "friction")
        try KernelChecks.dimension(target.dimension)
        self.target = target; self.stepSize = stepSize; self.friction = friction
        let d = target.dimension
        s = KineticState(dimension: d)
        buffers = VectorBuffers(dimension: d, count: 5)
        mid = buffers[0]; gMid = buffers[1]; aa = buffers[2]; ea = buffers[3]; ah = buffers[4]
        integrals = BrownianIntegrals(gamma: friction, h: stepSize)
    }

    public var position: UnsafePointer<Double> { UnsafePointer(s.x) }
    public var positionIsFinite: Bool { s.positionIsFinite }
    public func positionIsWithin(_ bound: Double) -> Bool { VectorBuffers.allWithin(s.x, s.d, bound: bound) }

    @discardableResult
    public func reset(to start: UnsafePointer<Double>) -> Double { s.reset(to: start, target: target, counts: &counts) }

    @_specialize(where Target == GaussianMixture)
    public func step(rng: RandomStream) -> Bool { advance(rng) }
    public func step(noise: ScriptedNoise) -> Bool { advance(noise) }

    private func advance<N: NoiseSource>(_ noise: N) -> Bool {
        let h = stepSize, a = noise.uniform() * h
        let c = integrals.coefficients, sigma = (2 * friction).squareRoot()
        let phiA = c.phi(a), psiA = c.psi(a), etaH = c.eta(h), phiH = c.phi(h)
        let etaRest = c.eta(h - a), phiRest = c.phi(h - a)
        for j in 0..<s.d {
            let (i1, i2, i3) = integrals.draw(a: a, noise: noise)
            aa[j] = i1; ea[j] = i2; ah[j] = i3
            mid[j] = s.x[j] + phiA * s.v[j] + psiA * s.g[j] + sigma * i1
        }
        _ = target.logDensityAndGradient(at: mid, gradient: gMid)
        for j in 0..<s.d {
            let v = s.v[j]
            s.v[j] = etaH * v + h * etaRest * gMid[j] + sigma * ea[j]
            s.x[j] = s.x[j] + phiH * v + h * phiRest * gMid[j] + sigma * ah[j]
        }
        _ = target.logDensityAndGradient(at: s.x, gradient: s.g)
        counts.gradientEvaluations += 2
        return true
    }
}
