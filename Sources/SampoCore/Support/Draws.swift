/// Draws of several chains in one contiguous buffer, laid out chain-major:
/// value of coordinate j of draw i of chain c is `values[(c·capacity + i)·dimension + j]`.
/// A chain that diverged holds fewer than `capacity` draws (`recorded[c]`).
public struct Draws: Sendable, Equatable {
    public let chains: Int
    public let capacity: Int
    public let dimension: Int
    public package(set) var values: [Double]
    public package(set) var recorded: [Int]

    public init(chains: Int, capacity: Int, dimension: Int) {
        self.chains = chains
        self.capacity = capacity
        self.dimension = dimension
        values = [Double](repeating: 0, count: chains * capacity * dimension)
        recorded = [Int](repeating: 0, count: chains)
    }

    /// Wraps existing values (every chain full).
    public init(chains: Int, capacity: Int, dimension: Int, values: [Double]) {
        self.chains = chains
        self.capacity = capacity
        self.dimension = dimension
        self.values = values
        recorded = [Int](repeating: capacity, count: chains)
    }

    @inlinable
    public func value(chain c: Int, draw i: Int, coordinate j: Int) -> Double {
        values[(c * capacity + i) * dimension + j]
    }

    /// One coordinate of one chain's recorded draws.
    public func series(chain c: Int, coordinate j: Int) -> [Double] {
        (0..<recorded[c]).map { value(chain: c, draw: $0, coordinate: j) }
    }

    /// All recorded draws of the chains in `chains` (default: every chain), as points.
    public func points(chains selected: [Int]? = nil) -> [[Double]] {
        var out: [[Double]] = []
        for c in selected ?? Array(0..<chains) {
            for i in 0..<recorded[c] {
                let base = (c * capacity + i) * dimension
                out.append(Array(values[base..<(base + dimension)]))
            }
        }
        return out
    }
}
