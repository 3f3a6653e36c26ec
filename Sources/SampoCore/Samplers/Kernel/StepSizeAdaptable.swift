/// A kernel whose step size may change between transitions (warm-up adaptation by dual
/// averaging steers `acceptStatistic` towards a target).
public protocol StepSizeAdaptable: TransitionReporting {
    var stepSize: Double { get }
    /// Uses `h` from the next transition on (h > 0 and finite; the adaptation guarantees it).
    func adapt(stepSize h: Double)
}

/// A Hamiltonian kernel: its inverse metric can also be set, and it offers Stan's heuristic
/// for a first step size.
public protocol MetricAdaptable: StepSizeAdaptable, MetricCarrying {
    /// ∇log π at the current position (for metrics fitted from gradients).
    var gradientAtPosition: UnsafePointer<Double> { get }
    /// Stan's heuristic: from the current step size, double or halve until the acceptance
    /// probability of one leapfrog step from a fresh momentum crosses 0.8. Its gradients count.
    func initializeStepSize(noise: RandomStream)
}

/// HMC and NUTS: their acceptance is Stan's mean `accept_stat__` and they count divergent
/// transitions (a metric-adaptable MALA is neither).
public protocol HamiltonianTransitions: MetricAdaptable {
    /// NUTS: the largest tree depth (a transition that reaches it was cut short); nil for HMC.
    var maxTreeDepth: Int? { get }
}

/// A kernel that runs with an inverse metric M⁻¹ (HMC, NUTS, MALA; the kinetic splittings' mass matrix).
public protocol MetricCarrying: MarkovKernel {
    var inverseMetric: InverseMetric { get }
    func adapt(inverseMetric: InverseMetric) throws(SampoError)
}
