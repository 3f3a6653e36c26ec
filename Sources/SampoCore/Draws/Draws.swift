/// Draws of several chains in one contiguous buffer, laid out chain-major:
/// value of coordinate j of draw i of chain c is at `(c·capacity + i)·dimension + j`.
/// A chain that diverged holds fewer than `capacity` draws (`recorded[c]`). Long runs keep their
/// draws in a file mapping (``DrawsStorage``); read them with `forEachBlock` or `series`, which
/// hand pages back as they go.
public struct Draws: Sendable, Equatable {
    public let chains: Int
    public let capacity: Int
    public let dimension: Int
    public package(set) var recorded: [Int]
    public private(set) var storage: DrawsStorage

    /// `onDisk`: in a file mapping whatever the size (see ``DrawsStorage``).
    public init(chains: Int, capacity: Int, dimension: Int, onDisk: Bool = false) {
        self.chains = chains
        self.capacity = capacity
        self.dimension = dimension
        storage = DrawsStorage(count: chains * capacity * dimension, onDisk: onDisk)
        recorded = [Int](repeating: 0, count: chains)
    }

    /// Wraps existing values (every chain full).
    public init(chains: Int, capacity: Int, dimension: Int, values: [Double]) {
        self.chains = chains
        self.capacity = capacity
        self.dimension = dimension
        storage = DrawsStorage(copying: values)
        recorded = [Int](repeating: capacity, count: chains)
    }

    /// Every value as an array (a copy: for small draws, tests and scripts).
    public var values: [Double] { Array(UnsafeBufferPointer(start: storage.base, count: storage.count)) }

    public func withValues<R>(_ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.base, count: storage.count))
    }

    /// Writable access (the storage is copied first if another `Draws` shares it).
    public mutating func withMutableValues<R>(_ body: (UnsafeMutableBufferPointer<Double>) throws -> R) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) {
            let copy = DrawsStorage(count: storage.count)
            copy.base.update(from: storage.base, count: storage.count)
            storage = copy
        }
        return try body(UnsafeMutableBufferPointer(start: storage.base, count: storage.count))
    }

    @inlinable
    public func value(chain c: Int, draw i: Int, coordinate j: Int) -> Double {
        storage.base[(c * capacity + i) * dimension + j]
    }

    /// The recorded draws of chain `c` in blocks of whole draws (row-major, `dimension` values per
    /// draw); each block's pages are handed back after `body` has read it.
    public func forEachBlock(chain c: Int, _ body: (UnsafeBufferPointer<Double>) throws -> Void) rethrows {
        let drawsPerBlock = max(1, DrawsStorage.releaseBlock / max(dimension, 1))
        var i = 0
        while i < recorded[c] {
            let n = min(drawsPerBlock, recorded[c] - i)
            let offset = (c * capacity + i) * dimension
            try body(UnsafeBufferPointer(start: storage.base + offset, count: n * dimension))
            storage.release(offset: offset, count: n * dimension)
            i += n
        }
    }

    /// One coordinate of one chain's recorded draws.
    public func series(chain c: Int, coordinate j: Int) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(recorded[c])
        forEachBlock(chain: c) { block in
            for k in stride(from: j, to: block.count, by: dimension) { out.append(block[k]) }
        }
        return out
    }

    /// All recorded draws of the chains in `chains` (default: every chain), as points.
    public func points(chains selected: [Int]? = nil) -> [[Double]] {
        var out: [[Double]] = []
        for c in selected ?? Array(0..<chains) {
            for i in 0..<recorded[c] {
                let base = storage.base + (c * capacity + i) * dimension
                out.append(Array(UnsafeBufferPointer(start: base, count: dimension)))
            }
        }
        return out
    }

    /// Same shape, same recorded counts and the same recorded values (bit for bit).
    public static func == (a: Draws, b: Draws) -> Bool {
        guard a.chains == b.chains, a.capacity == b.capacity, a.dimension == b.dimension, a.recorded == b.recorded else {
            return false
        }
        for c in 0..<a.chains {
            let start = c * a.capacity * a.dimension, n = a.recorded[c] * a.dimension
            for k in start..<(start + n) where a.storage.base[k].bitPattern != b.storage.base[k].bitPattern { return false }
        }
        return true
    }
}
