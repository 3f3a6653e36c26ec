/// What the kinetic Langevin kernels share, as the overdamped ones share `KernelBase` (which
/// holds the position x): the target, the velocity v, the cached gradient g = ∇log π(x), the
/// friction γ, and `reset`. Velocities are internal (the draws record positions), start at 0,
/// and warm-up brings them to equilibrium.
///
/// A mass matrix M (an inverse metric M⁻¹ given with `--metric-from`: the splittings BAOAB, OBABO and
/// Euler take one) turns the dynamics into dX = M⁻¹V dt, dV = ∇log π dt − γV dt + √(2γ) M^{1/2} dW:
/// `drift` moves by M⁻¹v and `refresh` draws its noise from N(0, M), with HMC's `MetricBuffers`.
public class KineticKernelBase<Target: LogDensity>: KernelBase {
    public let target: Target
    public let friction: Double
    let v, g: UnsafeMutablePointer<Double>
    /// M⁻¹v or a momentum draw (the preconditioned moves' scratch).
    let scratch: UnsafeMutablePointer<Double>
    let metric: MetricBuffers
    @exclusivity(unchecked) var preconditioned = false

    /// Checks the friction too, then allocates x, v, g, the scratch vector and `vectors` more (`buffers[4...]`).
    static func allocate(dimension: Int, stepSize: Double, friction: Double, extraVectors vectors: Int) throws(SampoError) -> VectorBuffers {
        try KernelChecks.positive(friction, "friction")
        return try allocate(dimension: dimension, stepSize: stepSize, vectors: 4 + vectors)
    }

    /// The first vector a subclass may use.
    static var firstFreeVector: Int { 4 }

    init(target: Target, buffers: VectorBuffers, stepSize: Double, friction: Double) {
        self.target = target
        self.friction = friction
        v = buffers[1]; g = buffers[2]; scratch = buffers[3]
        metric = MetricBuffers(dimension: buffers.dimension)
        super.init(buffers: buffers, stepSize: stepSize)
    }

    override func writeFamilyState(to w: inout CheckpointWriter) {
        w.section("kinetic"); w.write(preconditioned); metric.metric.write(to: &w)
    }
    override func readFamilyState(from r: inout CheckpointReader) throws(SampoError) {
        try r.section("kinetic"); preconditioned = try r.readBool(); try metric.set(try InverseMetric.read(from: &r))
    }

    public var inverseMetric: InverseMetric { metric.metric }

    /// A: x ← x + a·M⁻¹v.
    @inline(__always)
    func drift(by a: Double) {
        if preconditioned {
            metric.apply(v, into: scratch)
            Integrators.drift(x, scratch, by: a, dimension)
        } else {
            Integrators.drift(x, v, by: a, dimension)
        }
    }

    /// O: v ← decay·v + sd·ξ, ξ ~ N(0, M).
    @inline(__always)
    func refresh<N: NoiseSource>(decay: Double, sd: Double, noise: N) {
        if preconditioned {
            metric.drawMomentum(scratch, noise: noise)
            for j in 0..<dimension { v[j] = decay * v[j] + sd * scratch[j] }
        } else {
            Integrators.refresh(v, decay: decay, sd: sd, dimension, noise: noise)
        }
    }

    /// Moves to `start` with zero velocity and caches ∇log π there (one gradient evaluation).
    @discardableResult
    public func reset(to start: UnsafePointer<Double>) -> Double {
        v.update(repeating: 0, count: dimension)
        return move(to: start, on: target, gradient: g)
    }
}
