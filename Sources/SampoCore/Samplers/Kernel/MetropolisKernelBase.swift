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

    /// Uses `h` from the next transition on. Kernels with values derived from the step size
    /// override it (and call super).
    public func adapt(stepSize h: Double) { stepSize = h }
}
