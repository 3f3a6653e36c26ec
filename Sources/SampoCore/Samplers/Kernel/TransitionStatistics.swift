/// What one transition did, with the meanings of Stan's sampler columns (`accept_stat__`,
/// `stepsize__`, `treedepth__`, `n_leapfrog__`, `divergent__`, `energy__`).
public struct TransitionStatistics: Sendable, Equatable {
    /// min(1, acceptance probability); for NUTS the mean over the trajectory's new states.
    public var acceptStatistic = 0.0
    public var stepSize = 0.0
    /// NUTS: the number of trajectory doublings; 0 for other kernels.
    public var treeDepth = 0
    /// Leapfrog steps (gradient evaluations) of the transition.
    public var leapfrogSteps = 0
    /// The energy error of the trajectory exceeded the divergence threshold.
    public var divergent = false
    /// Hamiltonian kernels: H at the new state; Metropolis kernels: −log π there.
    public var energy = 0.0

    public init() {}

    /// Stan's column names, in the order of `values`.
    public static let columns = ["accept_stat__", "stepsize__", "treedepth__", "n_leapfrog__", "divergent__", "energy__"]

    /// The statistics in the order of `columns`.
    public func write(to out: UnsafeMutablePointer<Double>) {
        out[0] = acceptStatistic; out[1] = stepSize; out[2] = Double(treeDepth)
        out[3] = Double(leapfrogSteps); out[4] = divergent ? 1 : 0; out[5] = energy
    }
}

/// A kernel that reports what each transition did (`--sampler-stats`).
public protocol TransitionReporting: MarkovKernel {
    var lastTransition: TransitionStatistics { get }
}
