import Foundation

/// What HMC and NUTS share: the position x with its gradient g = ∇log π(x) and log π(x), a
/// momentum p with v = M⁻¹p, the inverse metric, the leapfrog step, the Hamiltonian
/// H = −log π(x) + ½ pᵀM⁻¹p, Stan's step-size heuristic and the last transition's statistics.
public class HamiltonianKernel<Target: LogDensity>: GradientKernelBase<Target> {
    let metric: MetricBuffers
    let p, v: UnsafeMutablePointer<Double>
    @exclusivity(unchecked) var logP = -Double.infinity
    @exclusivity(unchecked) public internal(set) var lastTransition = TransitionStatistics()
    /// A transition whose energy error exceeds this is divergent (Stan's max_deltaH).
    public static var divergenceThreshold: Double { 1000 }

    /// Checks and allocates x, g, p, v, two scratch vectors (for the step-size heuristic) and
    /// `vectors` more for the subclass, which takes them as `buffers[6...]` before calling init.
    static func allocate(dimension: Int, stepSize: Double, extraVectors vectors: Int) throws(SampoError) -> VectorBuffers {
        try allocate(dimension: dimension, stepSize: stepSize, vectors: 6 + vectors)
    }

    /// The first vector a subclass may use.
    static var firstFreeVector: Int { 6 }

    init(target: Target, buffers: VectorBuffers, stepSize: Double, inverseMetric: InverseMetric) throws(SampoError) {
        p = buffers[2]; v = buffers[3]
        metric = MetricBuffers(dimension: target.dimension)
        try metric.set(inverseMetric)
        super.init(target: target, buffers: buffers, stepSize: stepSize)
    }

    @discardableResult
    public override func reset(to start: UnsafePointer<Double>) -> Double {
        logP = super.reset(to: start)
        return logP
    }

    /// Installs a state evaluated elsewhere (`StateRestorable`; the subclasses declare it).
    public func restore(position: UnsafePointer<Double>, logDensity: Double, gradient: UnsafePointer<Double>?) {
        install(position, gradient: gradient, into: grad)
        logP = logDensity
    }

    override func writeFamilyState(to w: inout CheckpointWriter) {
        w.section("hamiltonian"); w.write(logP); lastTransition.write(to: &w); metric.metric.write(to: &w)
    }
    override func readFamilyState(from r: inout CheckpointReader) throws(SampoError) {
        try r.section("hamiltonian"); logP = try r.readDouble(); try lastTransition.read(from: &r)
        try metric.set(try InverseMetric.read(from: &r))
    }

    public var inverseMetric: InverseMetric { metric.metric }
    public var gradientAtPosition: UnsafePointer<Double> { UnsafePointer(grad) }
    public func adapt(inverseMetric m: InverseMetric) throws(SampoError) { try metric.set(m) }
    public func adapt(stepSize h: Double) { stepSize = h }

    /// One leapfrog step of size ε (negative: backwards in time) on (x, p) with gradient g and
    /// log density at x; `scratch` receives M⁻¹p. One gradient evaluation.
    @inline(__always)
    func leapfrog(x: UnsafeMutablePointer<Double>, p: UnsafeMutablePointer<Double>, g: UnsafeMutablePointer<Double>,
                  logP: inout Double, epsilon e: Double, scratch: UnsafeMutablePointer<Double>) {
        let d = dimension
        Integrators.kick(p, g, by: 0.5 * e, d)
        metric.apply(p, into: scratch)
        Integrators.drift(x, scratch, by: e, d)
        logP = target.logDensityAndGradient(at: x, gradient: g)
        counts.gradientEvaluations += 1
        Integrators.kick(p, g, by: 0.5 * e, d)
    }

    /// H = −log π(x) + ½ pᵀM⁻¹p; `scratch` receives M⁻¹p. NaN becomes +∞ (an impossible state).
    @inline(__always)
    func hamiltonian(logP: Double, p: UnsafePointer<Double>, scratch: UnsafeMutablePointer<Double>) -> Double {
        metric.apply(p, into: scratch)
        var k = 0.0
        for j in 0..<dimension { k += p[j] * scratch[j] }
        let h = -logP + 0.5 * k
        return h.isNaN ? .infinity : h
    }

    /// `steps` leapfrog steps of size ε from (x, p) with this kernel's metric, leaving the chain's
    /// state alone; returns the end point and H at both ends (allocates: for tests and scripts).
    public func integrate(x start: [Double], momentum: [Double], steps: Int, epsilon: Double)
        -> (x: [Double], momentum: [Double], startEnergy: Double, endEnergy: Double) {
        let d = dimension
        guard start.count == d, momentum.count == d else { return (start, momentum, .nan, .nan) }
        var xs = start, ps = momentum, gs = [Double](repeating: 0, count: d), sv = gs
        var e0 = 0.0, e1 = 0.0
        xs.withUnsafeMutableBufferPointer { xb in
            ps.withUnsafeMutableBufferPointer { pb in
                gs.withUnsafeMutableBufferPointer { gb in
                    sv.withUnsafeMutableBufferPointer { vb in
                        var lp = target.logDensityAndGradient(at: xb.baseAddress!, gradient: gb.baseAddress!)
                        e0 = hamiltonian(logP: lp, p: pb.baseAddress!, scratch: vb.baseAddress!)
                        for _ in 0..<max(steps, 0) {
                            leapfrog(x: xb.baseAddress!, p: pb.baseAddress!, g: gb.baseAddress!, logP: &lp, epsilon: epsilon,
                                     scratch: vb.baseAddress!)
                        }
                        e1 = hamiltonian(logP: lp, p: pb.baseAddress!, scratch: vb.baseAddress!)
                    }
                }
            }
        }
        return (xs, ps, e0, e1)
    }

    public func initializeStepSize(noise: RandomStream) {
        let d = dimension
        let x0 = buffers[4], g0 = buffers[5]
        x0.update(from: x, count: d); g0.update(from: grad, count: d)
        let logP0 = logP
        let threshold = log(0.8)
        var direction = 0
        // Stan gives up beyond 1e7 or at 0; so does this (keeping the last step size tried).
        for _ in 0..<200 {
            metric.drawMomentum(p, noise: noise)
            let h0 = hamiltonian(logP: logP, p: p, scratch: v)
            leapfrog(x: x, p: p, g: grad, logP: &logP, epsilon: stepSize, scratch: v)
            let deltaH = h0 - hamiltonian(logP: logP, p: p, scratch: v)
            x.update(from: x0, count: d); grad.update(from: g0, count: d); logP = logP0
            if direction == 0 { direction = deltaH > threshold ? 1 : -1; continue }
            if direction == 1 && !(deltaH > threshold) { break }
            if direction == -1 && !(deltaH < threshold) { break }
            let next = direction == 1 ? 2 * stepSize : 0.5 * stepSize
            guard next < 1e7, next > 0, next.isNormal else { break }
            stepSize = next
        }
    }
}
