/// A kernel's working vectors: `count` zeroed vectors of `dimension` doubles in one allocation,
/// freed with the buffers. Kernels take their pointers once in `init`, so steps allocate nothing.
@usableFromInline
package final class VectorBuffers: @unchecked Sendable {
    package let dimension: Int
    package let count: Int
    private let base: UnsafeMutablePointer<Double>

    package init(dimension: Int, count: Int) {
        self.dimension = dimension
        self.count = count
        base = .allocate(capacity: max(1, dimension * count))
        base.initialize(repeating: 0, count: max(1, dimension * count))
    }

    deinit { base.deallocate() }

    /// Every vector, one after another (a checkpoint holds them all).
    package var all: UnsafeMutableBufferPointer<Double> { UnsafeMutableBufferPointer(start: base, count: dimension * count) }

    /// Vector i (0 ≤ i < count).
    @inlinable
    package subscript(i: Int) -> UnsafeMutablePointer<Double> { pointer(i) }

    @usableFromInline
    func pointer(_ i: Int) -> UnsafeMutablePointer<Double> { base + i * dimension }

    /// Whether the n doubles at p are all finite (the runner's per-step divergence check).
    @inlinable @inline(__always)
    package static func allFinite(_ p: UnsafePointer<Double>, _ n: Int) -> Bool {
        for j in 0..<n where !p[j].isFinite { return false }
        return true
    }

    /// Whether every |p[j]| < bound (false for NaN and ±∞ whatever the bound, ∞ included).
    @inlinable
    package static func allWithin(_ p: UnsafePointer<Double>, _ n: Int, bound: Double) -> Bool {
        for j in 0..<n where !(p[j].magnitude < bound) { return false }
        return true
    }
}
