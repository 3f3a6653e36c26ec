import Foundation

/// A kernel with a Metropolis–Hastings correction: the cached log density at x and the shared
/// accept step (which counts NaN ratios).
public class MetropolisKernelBase: KernelBase {
    @exclusivity(unchecked) var mh = MetropolisHastings()
    /// log π at the current position.
    @exclusivity(unchecked) var logP = -Double.infinity

    public var nanProposals: Int { mh.nanProposals }

    /// The last transition: min(1, α) (computed only when asked), the step size, −log π at the
    /// new position, and the gradients it took.
    public var lastTransition: TransitionStatistics {
        var s = TransitionStatistics()
        let a = mh.lastLogAlpha
        s.acceptStatistic = MetropolisHastings.probability(logAlpha: a)
        s.stepSize = stepSize
        s.leapfrogSteps = 0
        s.energy = -logP
        return s
    }

    /// The Metropolis–Hastings step and, when it accepts, the move to the proposal y: x ← y,
    /// log π ← log π(y), and `cache` ← `cacheAtY` (the gradient or proposal mean a kernel keeps at x).
    @inline(__always)
    final func acceptMove<N: NoiseSource>(logAlpha: Double, to y: UnsafePointer<Double>, logDensity logPY: Double,
                                          cache: UnsafeMutablePointer<Double>? = nil, from cacheAtY: UnsafePointer<Double>? = nil,
                                          noise: N) -> Bool {
        guard mh.accept(logAlpha: logAlpha, noise: noise) else { return false }
        x.update(from: y, count: dimension)
        if let cache, let cacheAtY { cache.update(from: cacheAtY, count: dimension) }
        logP = logPY
        return true
    }

    override func writeFamilyState(to w: inout CheckpointWriter) {
        w.section("metropolis"); mh.write(to: &w); w.write(logP)
    }
    override func readFamilyState(from r: inout CheckpointReader) throws(SampoError) {
        try r.section("metropolis"); try mh.read(from: &r); logP = try r.readDouble()
    }

    /// Uses `h` from the next transition on. Kernels with values derived from the step size
    /// override it (and call super).
    public func adapt(stepSize h: Double) { stepSize = h }
}
