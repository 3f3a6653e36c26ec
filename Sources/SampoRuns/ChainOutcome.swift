import SampoCore
import SampoDiagnostics
import Dispatch
import Foundation

/// The outcome of one chain.
public struct ChainOutcome: Sendable, Equatable {
    /// Fraction of accepted proposals over the kept iterations (warm-up excluded); for
    /// Hamiltonian kernels the mean acceptance statistic (Stan's `accept_stat__`).
    public var acceptanceRate: Double
    public var counts: OracleCounts
    /// The oracle calls of warm-up alone (included in `counts`).
    public var warmupCounts = OracleCounts()
    /// The iteration (1-based, warm-up included) at which the state became non-finite or left the
    /// divergence bound.
    public var divergedAt: Int?
    /// Metropolis proposals whose acceptance ratio was NaN (the density is NaN where they landed).
    public var nanProposals = 0
    /// The step size warm-up adapted (nil without adaptation).
    public var adaptedStepSize: Double?
    /// The inverse metric warm-up adapted (Hamiltonian kernels).
    public var inverseMetric: InverseMetric?
    /// Warm-up windows whose metric fit could not be made: a Fisher fit that fell back to Stan's
    /// estimate (window shorter than the dimension, a gradient that did not vary) or a metric that
    /// was not positive definite and was not installed.
    public var metricFallbacks = 0
    /// Kept transitions whose energy error exceeded the threshold (Hamiltonian kernels; Stan's
    /// `divergent__`). Unrelated to `divergedAt`, a chain that left the finite range.
    public var divergentTransitions = 0
    /// Transitions after warm-up (before thinning).
    public var keptTransitions = 0
    /// Whether `acceptanceRate` measures moves (Metropolis-adjusted and Hamiltonian kernels), so
    /// that 0 means the chain did not move.
    public var tracksAcceptance = false
    /// NUTS: kept transitions that stopped at the largest tree depth, and that depth.
    public var treeDepthSaturations = 0
    public var maxTreeDepth: Int?
    /// Hamiltonian kernels: the energy Bayesian fraction of missing information of the kept
    /// transitions, mean((Eₙ − Eₙ₋₁)²) / var(E) (ArviZ's `bfmi`); nil with fewer than 3.
    public var ebfmi: Double?
    /// Facts the kernel reports about its run (parallel tempering: schedule, barrier, swap
    /// acceptance, round trips, log Z).
    public var report: KernelReport?
}
