/// Random-walk Metropolis: y = x + s ξ (or y = x + s Lξ with a proposal factor L), accepted with
/// log α = log π(y) − log π(x). `stepSize` is the proposal standard deviation s. One density
/// evaluation per step.
public final class RWM<Target: LogDensity>: MetropolisKernelBase, MarkovKernel, StepSizeAdaptable, StateRestorable {
    public let target: Target
    private let y, z: UnsafeMutablePointer<Double>
    /// A lower-triangular d × d factor L (row-major) shaping the proposal to covariance s²LLᵀ
    /// (SMC sets the particles' Cholesky factor); nil: the identity. Package-level: a factor of the
    /// wrong size would fall back to the identity, which only SMC, who sizes it, may rely on.
    package var proposalFactor: [Double]? {
        didSet {
            factor?.deallocate()
            factor = nil
            guard let f = proposalFactor, f.count == dimension * dimension else { proposalFactor = nil; return }
            let p = UnsafeMutablePointer<Double>.allocate(capacity: f.count)
            p.initialize(from: f, count: f.count)
            factor = p
        }
    }
    /// The factor's copy the step reads (a pointer: no reference counting in the loop).
    @exclusivity(unchecked) private var factor: UnsafeMutablePointer<Double>?

    public init(target: Target, stepSize: Double) throws(SampoError) {
        let buffers = try Self.allocate(dimension: target.dimension, stepSize: stepSize, vectors: 3)
        self.target = target
        y = buffers[1]; z = buffers[2]
        super.init(buffers: buffers, stepSize: stepSize)
    }

    deinit { factor?.deallocate() }

    override func writeFamilyState(to w: inout CheckpointWriter) {
        super.writeFamilyState(to: &w)
        w.section("rwm"); w.write(proposalFactor != nil); w.write(proposalFactor ?? [])
    }
    override func readFamilyState(from r: inout CheckpointReader) throws(SampoError) {
        try super.readFamilyState(from: &r)
        try r.section("rwm")
        let given = try r.readBool(), f = try r.readDoubles()
        proposalFactor = given ? f : nil
    }

    @discardableResult
    public func reset(to start: UnsafePointer<Double>) -> Double {
        x.update(from: start, count: dimension)
        logP = target.logDensity(at: x)
        counts.densityEvaluations += 1
        return logP
    }

    public func restore(position: UnsafePointer<Double>, logDensity: Double, gradient: UnsafePointer<Double>?) {
        install(position, gradient: nil, into: nil)
        logP = logDensity
    }

    @_specialize(where Target == GaussianMixture)
    // Tempering (SMC's particles, PT's replicas) runs them on a tempered mixture.
    @_specialize(where Target == TemperedDensity<GaussianMixture>)
    public func step(rng: RandomStream) -> Bool { advance(rng) }
    public func step(noise: ScriptedNoise) -> Bool { advance(noise) }

    @inline(__always)
    private func advance<N: NoiseSource>(_ rng: N) -> Bool {
        let d = dimension
        if let l = factor {
            for j in 0..<d { z[j] = rng.normal() }
            for a in 0..<d {
                var s = 0.0
                for b in 0...a { s += l[a * d + b] * z[b] }
                y[a] = x[a] + stepSize * s
            }
        } else {
            for j in 0..<d { y[j] = x[j] + stepSize * rng.normal() }
        }
        let logPY = target.logDensity(at: y)
        counts.densityEvaluations += 1
        return acceptMove(logAlpha: logPY - logP, to: y, logDensity: logPY, noise: rng)
    }
}
