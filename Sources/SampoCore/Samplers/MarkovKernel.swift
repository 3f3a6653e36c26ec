/// Exact counts of target evaluations, so samplers can be compared at equal oracle budgets.
/// A joint log-density-and-gradient call counts as one gradient evaluation.
public struct OracleCounts: Sendable, Equatable {
    public var gradientEvaluations = 0
    public var densityEvaluations = 0
    public init(gradientEvaluations: Int = 0, densityEvaluations: Int = 0) {
        self.gradientEvaluations = gradientEvaluations
        self.densityEvaluations = densityEvaluations
    }
}

/// One Markov transition x → x' that leaves (approximately, for unadjusted methods) the target
/// invariant. A kernel instance belongs to one chain: it owns the chain's state and scratch
/// buffers, so `step` allocates nothing.
public protocol MarkovKernel: AnyObject {
    var dimension: Int { get }
    /// The current position (d doubles, owned by the kernel).
    var position: UnsafePointer<Double> { get }
    /// Evaluations made since creation.
    var counts: OracleCounts { get }
    /// Moves the chain to `x` and evaluates whatever the kernel caches there.
    func reset(to x: UnsafePointer<Double>)
    /// One transition; returns whether the proposal was accepted (always true for unadjusted kernels).
    func step(rng: RandomStream) -> Bool
    /// The same transition with injected noise (a deterministic step given ξ and u).
    func step(noise: ScriptedNoise) -> Bool
    /// Whether every coordinate of the current position is finite (a requirement, so the runner's
    /// per-step check dispatches to code specialised for the concrete kernel).
    var positionIsFinite: Bool { get }
}

extension MarkovKernel {
    /// Whether every coordinate of the current position is finite.
    @inlinable
    public var positionIsFinite: Bool {
        let x = position
        for j in 0..<dimension where !x[j].isFinite { return false }
        return true
    }

    /// The current position as an array (allocates; for tests and scripts).
    public var currentPosition: [Double] { Array(UnsafeBufferPointer(start: position, count: dimension)) }

    /// Convenience: reset from an array.
    public func reset(to x: [Double]) {
        x.withUnsafeBufferPointer { reset(to: $0.baseAddress!) }
    }
}
