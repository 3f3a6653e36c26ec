import Foundation

/// What every position-based kernel holds: its dimension and step size (both checked), its oracle
/// counts, and its working vectors in one allocation, the first of which is the position x.
/// Kernels subclass it and add their own vectors, cached values and `advance` step; the
/// `MarkovKernel` members that only read this state (`position`, `positionIsFinite`) live here.
public class KernelBase {
    public let dimension: Int
    /// Changes only between transitions, during warm-up adaptation (`StepSizeAdaptable`).
    @exclusivity(unchecked) public final internal(set) var stepSize: Double
    /// Evaluations made since creation. Only the owning chain's thread touches a kernel, so the
    /// runtime's dynamic exclusivity checks (13% of a MALA step) are turned off for its scalars.
    @exclusivity(unchecked) public internal(set) var counts = OracleCounts()
    let buffers: VectorBuffers
    /// The position (vector 0 of the buffers).
    @usableFromInline let x: UnsafeMutablePointer<Double>

    /// Checks the step size and dimension, then allocates `vectors` zeroed vectors of the
    /// dimension (vector 0 becomes x). A subclass calls this first, takes its own vectors from the
    /// result, and passes it to `init(buffers:stepSize:)`.
    static func allocate(dimension: Int, stepSize: Double, vectors: Int) throws(SampoError) -> VectorBuffers {
        try KernelChecks.stepSize(stepSize)
        try KernelChecks.dimension(dimension)
        return VectorBuffers(dimension: dimension, count: max(1, vectors))
    }

    init(buffers: VectorBuffers, stepSize: Double) {
        dimension = buffers.dimension
        self.stepSize = stepSize
        self.buffers = buffers
        x = buffers[0]
    }

    /// Moves to `start` and returns log π there, with ∇log π written to `gradient` (one gradient,
    /// counted): the `reset` of every gradient kernel that caches its gradient.
    @inline(__always)
    func move<T: LogDensity>(to start: UnsafePointer<Double>, on target: T, gradient: UnsafeMutablePointer<Double>) -> Double {
        x.update(from: start, count: dimension)
        counts.gradientEvaluations += 1
        return target.logDensityAndGradient(at: x, gradient: gradient)
    }

    /// Installs a state evaluated elsewhere (`StateRestorable`): x ← `position` and, when both are
    /// given, `cache` ← `gradient`.
    final func install(_ position: UnsafePointer<Double>, gradient: UnsafePointer<Double>?, into cache: UnsafeMutablePointer<Double>?) {
        x.update(from: position, count: dimension)
        if let gradient, let cache { cache.update(from: gradient, count: dimension) }
    }

    /// A family's own state beyond the step size, the counts and the working vectors (which
    /// `writeState` holds for every kernel): cached log densities, acceptance bookkeeping, the metric.
    func writeFamilyState(to w: inout CheckpointWriter) {}
    func readFamilyState(from r: inout CheckpointReader) throws(SampoError) {}

    // Inlinable so the runner's loop, specialised for a kernel, checks and copies x without calls.
    @inlinable public var position: UnsafePointer<Double> { UnsafePointer(x) }
    @inlinable public var positionIsFinite: Bool { VectorBuffers.allFinite(x, dimension) }
    @inlinable public func positionIsWithin(_ bound: Double) -> Bool { VectorBuffers.allWithin(x, dimension, bound: bound) }
}
