/// One Markov transition x → x' that leaves (approximately, for unadjusted methods) the target
/// invariant. A kernel instance belongs to one chain: it owns the chain's state and scratch
/// buffers, so `step` allocates nothing. Because only that chain's thread touches it, kernels
/// mark their mutable scalars (counts, cached log density, MH counter) `@exclusivity(unchecked)`:
/// the runtime's dynamic access checks cost about 13% of a MALA step on a 2-D mixture.
public protocol MarkovKernel: AnyObject {
    var dimension: Int { get }
    /// The current position (d doubles, owned by the kernel).
    var position: UnsafePointer<Double> { get }
    /// Evaluations made since creation.
    var counts: OracleCounts { get }
    /// Moves the chain to `x` (`dimension` doubles) and evaluates whatever the kernel caches there;
    /// returns the log density the kernel works with at `x` (π, or the smoothed π_λ for MYULA).
    @discardableResult
    func reset(to x: UnsafePointer<Double>) -> Double
    /// One transition; returns whether the proposal was accepted (always true for unadjusted kernels).
    func step(rng: RandomStream) -> Bool
    /// The same transition with injected noise (a deterministic step given ξ and u).
    func step(noise: ScriptedNoise) -> Bool
    /// Metropolis proposals whose acceptance ratio was NaN (the density is NaN somewhere the chain
    /// proposed to go); 0 for unadjusted kernels.
    var nanProposals: Int { get }
    /// Whether every coordinate of the current position is finite (a requirement, so the runner's
    /// per-step check dispatches to code specialised for the concrete kernel).
    var positionIsFinite: Bool { get }
    /// Whether every coordinate satisfies |x_j| < bound (so it is also finite): the runner's
    /// divergence test, which also catches chains that explode to finite but absurd values.
    func positionIsWithin(_ bound: Double) -> Bool
}

extension MarkovKernel {
    /// Whether every coordinate of the current position is finite.
    @inlinable
    public var positionIsFinite: Bool { VectorBuffers.allFinite(position, dimension) }

    @inlinable
    public func positionIsWithin(_ bound: Double) -> Bool { VectorBuffers.allWithin(position, dimension, bound: bound) }

    /// The current position as an array (allocates; for tests and scripts).
    public var currentPosition: [Double] { Array(UnsafeBufferPointer(start: position, count: dimension)) }

    public var nanProposals: Int { 0 }

    /// Resets from an array, checking its length and that the log density there is finite.
    @discardableResult
    public func reset(to x: [Double]) throws(SampoError) -> Double {
        guard x.count == dimension else {
            throw .invalid(.argument("start"), "expected a point of dimension \(dimension), found \(x.count) coordinates")
        }
        guard x.allSatisfy(\.isFinite) else { throw .invalid(.argument("start"), "expected finite coordinates, found \(x)") }
        let logP = x.withUnsafeBufferPointer { reset(to: $0.baseAddress!) }
        guard logP.isFinite else { throw .nonFiniteStart(chain: 0, logDensity: logP) }
        return logP
    }
}
