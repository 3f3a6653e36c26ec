/// What the kinetic Langevin kernels share, as the overdamped ones share `KernelBase` (which
/// holds the position x): the target, the velocity v, the cached gradient g = ∇log π(x), the
/// friction γ, and `reset`. Velocities are internal (the draws record positions), start at 0,
/// and warm-up brings them to equilibrium.
public class KineticKernelBase<Target: LogDensity>: KernelBase {
    public let target: Target
    public let friction: Double
    let v, g: UnsafeMutablePointer<Double>

    /// Checks the friction too, then allocates x, v, g and `vectors` more (`buffers[3...]`).
    static func allocate(dimension: Int, stepSize: Double, friction: Double, extraVectors vectors: Int) throws(SampoError) -> VectorBuffers {
        try KernelChecks.positive(friction, "friction")
        return try allocate(dimension: dimension, stepSize: stepSize, vectors: 3 + vectors)
    }

    /// The first vector a subclass may use.
    static var firstFreeVector: Int { 3 }

    init(target: Target, buffers: VectorBuffers, stepSize: Double, friction: Double) {
        self.target = target
        self.friction = friction
        v = buffers[1]; g = buffers[2]
        super.init(buffers: buffers, stepSize: stepSize)
    }

    /// Moves to `start` with zero velocity and caches ∇log π there (one gradient evaluation).
    @discardableResult
    public func reset(to start: UnsafePointer<Double>) -> Double {
        v.update(repeating: 0, count: dimension)
        return move(to: start, on: target, gradient: g)
    }
}
