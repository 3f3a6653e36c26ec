import Foundation

/// Metropolis-adjusted Langevin: propose y = x + h∇log π(x) + √(2h) ξ and accept with
/// log α = log π(y) − log π(x) − (‖x − y − h∇log π(y)‖² − ‖y − x − h∇log π(x)‖²)/(4h).
/// A rejection repeats x. One gradient per step.
///
/// With an inverse metric M⁻¹ (adapted in warm-up, `--set metric=…`, or given) the proposal is
/// preconditioned: y = x + hM⁻¹∇log π(x) + √(2h) M⁻¹p with p ~ N(0, M) (noise of covariance
/// 2hM⁻¹), and the q-ratio's M-norms are had from M⁻¹ alone: ‖y − x − hM⁻¹g(x)‖²_M = 2h pᵀM⁻¹p and
/// ‖x − y − hM⁻¹g(y)‖²_M = qᵀM⁻¹q with q = √(2h)p + h(g(x) + g(y)) — one leapfrog step of HMC with
/// ε = √(2h), the metric applied with the same `MetricBuffers` as HMC's and NUTS's.
public final class MALA<Target: LogDensity>: MetropolisKernelBase, MarkovKernel, MetricAdaptable, StateRestorable {
    public let target: Target
    private let grad, y, gradY: UnsafeMutablePointer<Double>
    /// p, M⁻¹p, M⁻¹g(x) and M⁻¹g(y) (the preconditioned proposal's).
    private let p, v, drift, driftY: UnsafeMutablePointer<Double>
    @exclusivity(unchecked) private var noiseScale: Double
    private let metric: MetricBuffers
    @exclusivity(unchecked) private var preconditioned = false, driftValid = false
    /// The acceptance rate the step-size heuristic aims for (MALA's optimal scaling).
    public static var heuristicTarget: Double { 0.574 }

    public init(target: Target, stepSize: Double) throws(SampoError) {
        let buffers = try Self.allocate(dimension: target.dimension, stepSize: stepSize, vectors: 8)
        self.target = target
        grad = buffers[1]; y = buffers[2]; gradY = buffers[3]
        p = buffers[4]; v = buffers[5]; drift = buffers[6]; driftY = buffers[7]
        noiseScale = (2 * stepSize).squareRoot()
        metric = MetricBuffers(dimension: target.dimension)
        super.init(buffers: buffers, stepSize: stepSize)
    }

    @discardableResult
    public func reset(to start: UnsafePointer<Double>) -> Double {
        logP = move(to: start, on: target, gradient: grad)
        driftValid = false
        return logP
    }

    public func restore(position: UnsafePointer<Double>, logDensity: Double, gradient: UnsafePointer<Double>?) {
        install(position, gradient: gradient, into: grad)
        logP = logDensity
        driftValid = false
    }

    public override func adapt(stepSize h: Double) {
        super.adapt(stepSize: h)
        noiseScale = (2 * h).squareRoot()
    }

    override func writeFamilyState(to w: inout CheckpointWriter) {
        super.writeFamilyState(to: &w)
        w.section("mala"); w.write(noiseScale); w.write(preconditioned); w.write(driftValid); w.write(logPY)
        metric.metric.write(to: &w)
    }
    override func readFamilyState(from r: inout CheckpointReader) throws(SampoError) {
        try super.readFamilyState(from: &r)
        try r.section("mala")
        noiseScale = try r.readDouble(); preconditioned = try r.readBool(); driftValid = try r.readBool(); logPY = try r.readDouble()
        try metric.set(try InverseMetric.read(from: &r))
    }

    public var inverseMetric: InverseMetric { metric.metric }
    public var gradientAtPosition: UnsafePointer<Double> { UnsafePointer(grad) }

    public func adapt(inverseMetric m: InverseMetric) throws(SampoError) {
        try metric.set(m)
        preconditioned = m != .unit
        driftValid = false
    }

    /// Stan's heuristic with MALA's proposal: from the current h, double (or halve) it while one
    /// proposal from a fresh noise draw is accepted with probability above (below) 0.574; the
    /// state does not move and the gradients count. Without a metric the given step size is kept
    /// (MALA's warm-up starts from it, as before metrics).
    public func initializeStepSize(noise: RandomStream) {
        guard preconditioned, logP.isFinite else { return }
        let target = log(Self.heuristicTarget)
        var direction = 0
        for _ in 0..<60 {
            let logAlpha = proposal(noise)
            guard logAlpha.isFinite || logAlpha == -.infinity else { break }
            if direction == 0 { direction = logAlpha > target ? 1 : -1 }
            if direction == 1 && !(logAlpha > target) { break }
            if direction == -1 && !(logAlpha < target) { break }
            let h = direction == 1 ? 2 * stepSize : 0.5 * stepSize
            guard h > 1e-12, h < 1e6 else { break }
            adapt(stepSize: h)
        }
    }

    @_specialize(where Target == GaussianMixture)
    // Tempering (SMC's particles, PT's replicas) runs them on a tempered mixture.
    @_specialize(where Target == TemperedDensity<GaussianMixture>)
    public func step(rng: RandomStream) -> Bool { advance(rng) }
    public func step(noise: ScriptedNoise) -> Bool { advance(noise) }

    @inline(__always)
    private func advance<N: NoiseSource>(_ rng: N) -> Bool {
        if preconditioned {
            let logAlpha = proposal(rng)
            let accepted = acceptMove(logAlpha: logAlpha, to: y, logDensity: logPY, cache: grad, from: gradY, noise: rng)
            if accepted { drift.update(from: driftY, count: dimension) }
            return accepted
        }
        let d = dimension, h = stepSize
        LangevinProposal.propose(into: y, from: x, gradient: grad, stepSize: h, sd: noiseScale, d, noise: rng)
        let logPY = target.logDensityAndGradient(at: y, gradient: gradY)
        counts.gradientEvaluations += 1
        let logAlpha = logPY - logP + LangevinProposal.logRatio(x: x, gradientX: grad, y: y, gradientY: gradY, stepSize: h, d)
        return acceptMove(logAlpha: logAlpha, to: y, logDensity: logPY, cache: grad, from: gradY, noise: rng)
    }

    /// log π at the last preconditioned proposal.
    @exclusivity(unchecked) private var logPY = -Double.infinity

    /// A preconditioned proposal y (with g(y) and M⁻¹g(y)); returns log α.
    @inline(__always)
    private func proposal<N: NoiseSource>(_ rng: N) -> Double {
        let d = dimension, h = stepSize, s = noiseScale
        if !driftValid { metric.apply(grad, into: drift); driftValid = true }
        metric.drawMomentum(p, noise: rng)
        metric.apply(p, into: v)
        var forward = 0.0
        for j in 0..<d {
            y[j] = x[j] + h * drift[j] + s * v[j]
            forward += p[j] * v[j]
        }
        forward *= 2 * h
        logPY = target.logDensityAndGradient(at: y, gradient: gradY)
        counts.gradientEvaluations += 1
        metric.apply(gradY, into: driftY)
        var backward = 0.0
        for j in 0..<d {
            let q = s * p[j] + h * (grad[j] + gradY[j])
            backward += q * (s * v[j] + h * (drift[j] + driftY[j]))
        }
        return logPY - logP - (backward - forward) / (4 * h)
    }
}
