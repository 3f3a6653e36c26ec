import Foundation

/// Hamiltonian Monte Carlo with a fixed number of leapfrog steps (or a fixed integration time
/// T, steps = ⌈T/h⌉), a diagonal or dense inverse metric, optional step-size jitter (h·(1 + j(2u − 1))
/// per transition, as Stan's `stepsize_jitter`), and a Metropolis correction on the Hamiltonian.
/// Here h is the leapfrog step ε (Hamiltonian convention, not the Langevin h).
public final class HMC<Target: LogDensity>: HamiltonianKernel<Target>, MarkovKernel, HamiltonianTransitions, StateRestorable {
    public var maxTreeDepth: Int? { nil }
    /// Leapfrog steps per transition when no integration time is set.
    public let steps: Int
    /// Integration time T (nil: use `steps`).
    public let integrationTime: Double?
    public let jitter: Double
    private let x0, g0: UnsafeMutablePointer<Double>
    @exclusivity(unchecked) private var mh = MetropolisHastings()

    public init(target: Target, stepSize: Double, steps: Int = HMCSettings.steps.defaultValue, integrationTime: Double? = nil,
                jitter: Double = HMCSettings.jitter.defaultValue,
                inverseMetric: InverseMetric = .unit) throws(SampoError) {
        guard steps >= 1, steps <= HMCSettings.maximumSteps else {
            throw .invalid(.samplerParameter("steps"), "expected 1 to \(HMCSettings.maximumSteps) (2^20) leapfrog steps per transition, found \(steps)")
        }
        if let t = integrationTime {
            guard t.isFinite, t > 0 else { throw .invalid(.samplerParameter("length"), "expected a positive finite integration time, found \(t)") }
        }
        guard jitter >= 0, jitter < 1 else { throw .invalid(.samplerParameter("jitter"), "expected 0 ≤ jitter < 1, found \(jitter)") }
        self.steps = steps
        self.integrationTime = integrationTime
        self.jitter = jitter
        let buffers = try Self.allocate(dimension: target.dimension, stepSize: stepSize, extraVectors: 2)
        x0 = buffers[Self.firstFreeVector]; g0 = buffers[Self.firstFreeVector + 1]
        try super.init(target: target, buffers: buffers, stepSize: stepSize, inverseMetric: inverseMetric)
    }

    public var nanProposals: Int { mh.nanProposals }

    override func writeFamilyState(to w: inout CheckpointWriter) {
        super.writeFamilyState(to: &w); w.section("hmc"); mh.write(to: &w)
    }
    override func readFamilyState(from r: inout CheckpointReader) throws(SampoError) {
        try super.readFamilyState(from: &r); try r.section("hmc"); try mh.read(from: &r)
    }

    /// Leapfrog steps for step size ε: ⌈T/ε⌉ (at most 2^20, NUTS's longest trajectory) or `steps`.
    func leapfrogSteps(_ epsilon: Double) -> Int {
        guard let t = integrationTime else { return steps }
        let n = (t / epsilon).rounded(.up)
        return n.isFinite ? Int(min(max(n, 1), Double(HMCSettings.maximumSteps))) : HMCSettings.maximumSteps
    }

    @_specialize(where Target == GaussianMixture)
    // Tempering (SMC's particles, PT's replicas) runs them on a tempered mixture.
    @_specialize(where Target == TemperedDensity<GaussianMixture>)
    public func step(rng: RandomStream) -> Bool { advance(rng) }
    public func step(noise: ScriptedNoise) -> Bool { advance(noise) }

    private func advance<N: NoiseSource>(_ noise: N) -> Bool {
        let d = dimension
        let epsilon = jitter > 0 ? stepSize * (1 + jitter * (2 * noise.uniform() - 1)) : stepSize
        metric.drawMomentum(p, noise: noise)
        x0.update(from: x, count: d); g0.update(from: grad, count: d)
        let logP0 = logP
        let h0 = hamiltonian(logP: logP, p: p, scratch: v)
        let n = leapfrogSteps(epsilon)
        for _ in 0..<n {
            leapfrog(x: x, p: p, g: grad, logP: &logP, epsilon: epsilon, scratch: v)
        }
        let h1 = hamiltonian(logP: logP, p: p, scratch: v)
        var s = TransitionStatistics()
        s.stepSize = epsilon
        s.leapfrogSteps = n
        s.divergent = h1 - h0 > Self.divergenceThreshold
        let logAlpha = logP.isNaN ? Double.nan : h0 - h1   // a NaN density is counted by the MH step
        s.acceptStatistic = MetropolisHastings.probability(logAlpha: logAlpha)
        let accepted = mh.accept(logAlpha: logAlpha, noise: noise)
        if !accepted {
            x.update(from: x0, count: d); grad.update(from: g0, count: d); logP = logP0
        }
        s.energy = accepted ? h1 : h0
        lastTransition = s
        return accepted
    }
}
