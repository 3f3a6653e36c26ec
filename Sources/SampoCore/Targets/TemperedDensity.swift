/// The tempered density π_β ∝ p₀^{1−β} π^β between a Gaussian reference p₀ (β = 0) and the
/// target π (β = 1), as a `LogDensity`, so SMC and parallel tempering move their particles and
/// replicas with the registry's own kernels (RWM, MALA, HMC) instead of copies of them.
///
/// It remembers the two parts of the last point it evaluated (log π, log p₀ and, after a gradient
/// call, their gradients): a tempering sampler reads them after an accepted move, for its weights
/// and swaps. That state makes an instance belong to one kernel on one thread (each SMC run and
/// each replica has its own), not to be shared as targets are.
public final class TemperedDensity<Target: LogDensity>: LogDensity, @unchecked Sendable {
    public let target: Target
    public let reference: GaussianReference
    /// β in [0, 1].
    public var beta: Double
    public let dimension: Int
    /// log π and log p₀ at the last point evaluated.
    public private(set) var lastLogTarget = -Double.infinity, lastLogReference = -Double.infinity
    /// ∇log π and ∇log p₀ at the last point evaluated with a gradient.
    let lastTargetGradient, lastReferenceGradient: UnsafeMutablePointer<Double>

    public init(target: Target, reference: GaussianReference, beta: Double) {
        self.target = target
        self.reference = reference
        self.beta = beta
        dimension = target.dimension
        let n = max(1, target.dimension)
        lastTargetGradient = .allocate(capacity: 2 * n)
        lastTargetGradient.initialize(repeating: 0, count: 2 * n)
        lastReferenceGradient = lastTargetGradient + n
    }

    deinit { lastTargetGradient.deallocate() }

    public var costOfGradientCall: OracleCounts { target.costOfGradientCall }

    /// log π_β from its parts: β log π + (1 − β) log p₀ (log π itself at β = 1, so a reference
    /// that underflows does not matter there); NaN becomes −∞, a point the sampler cannot move to.
    @inline(__always)
    public static func combine(logTarget lp: Double, logReference lr: Double, beta: Double) -> Double {
        let v = beta == 1 ? lp : (1 - beta) * lr + beta * lp
        return v.isNaN ? -.infinity : v
    }

    /// ∇log π_β = (1 − β)∇log p₀ + β∇log π from its parts, into `gradient`.
    @inline(__always)
    static func combine(targetGradient g: UnsafePointer<Double>, referenceGradient r: UnsafePointer<Double>, beta: Double,
                        into gradient: UnsafeMutablePointer<Double>, _ d: Int) {
        for j in 0..<d { gradient[j] = (1 - beta) * r[j] + beta * g[j] }
    }

    public func logDensity(at x: UnsafePointer<Double>) -> Double {
        lastLogTarget = target.logDensity(at: x)
        lastLogReference = reference.logDensity(at: x, gradient: nil)
        return Self.combine(logTarget: lastLogTarget, logReference: lastLogReference, beta: beta)
    }

    public func logDensityAndGradient(at x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>) -> Double {
        lastLogTarget = target.logDensityAndGradient(at: x, gradient: lastTargetGradient)
        lastLogReference = reference.logDensity(at: x, gradient: lastReferenceGradient)
        Self.combine(targetGradient: lastTargetGradient, referenceGradient: lastReferenceGradient, beta: beta,
                     into: gradient, dimension)
        return Self.combine(logTarget: lastLogTarget, logReference: lastLogReference, beta: beta)
    }
}

/// A tempered density's temperature and its cache of the last evaluation, in a checkpoint.
extension TemperedDensity {
    func write(to w: inout CheckpointWriter) {
        w.write(beta); w.write(lastLogTarget); w.write(lastLogReference)
        w.write(UnsafeBufferPointer(start: lastTargetGradient, count: 2 * max(1, dimension)))
    }
    func read(from r: inout CheckpointReader) throws(SampoError) {
        beta = try r.readDouble(); lastLogTarget = try r.readDouble(); lastLogReference = try r.readDouble()
        try r.readDoubles(into: UnsafeMutableBufferPointer(start: lastTargetGradient, count: 2 * max(1, dimension)))
    }
}
