import SampoCore

/// A run's checkpoint: each chain's state (its kernel, random stream, progress, warm-up and running
/// moments, as ``/SampoCore/CheckpointWriter`` bytes) and the draws and sampler statistics it had kept, or
/// nothing for a chain that had not started (it starts afresh, and so the same). Chains are
/// independent, so each chain's part may be taken at its own iteration.
public struct RunCheckpoint: Sendable, Equatable {
    public struct Chain: Sendable, Equatable {
        /// The chain's state record.
        public var state: [UInt8]
        /// The iteration it was taken at (warm-up included) and the draws kept by then.
        public var iteration: Int
        public var recorded: Int
        /// The stored kept draws (at most the run's capacity), row by row, and their statistics.
        public var draws: [Double]
        public var statistics: [Double]
    }

    /// One entry per chain; nil: not started.
    public var chains: [Chain?]

    public init(chains: [Chain?]) { self.chains = chains }

    /// The iterations the started chains had reached (for messages).
    public var iterations: [Int] { chains.compactMap { $0?.iteration } }

    public func write(to w: inout CheckpointWriter) {
        w.section("run")
        w.write(chains.count)
        for chain in chains {
            w.write(chain != nil)
            guard let chain else { continue }
            w.write(chain.iteration); w.write(chain.recorded)
            w.write(bytes: chain.state); w.write(chain.draws); w.write(chain.statistics)
        }
    }

    /// Reads a run of `chains` chains whose draws have `dimension` coordinates and `capacity` rows.
    public static func read(from r: inout CheckpointReader, chains: Int, dimension: Int, capacity: Int,
                            statisticsColumns: Int) throws(SampoError) -> RunCheckpoint {
        try r.section("run")
        let n = try r.readInt()
        guard n == chains else { throw .runtime("checkpoint: a run of \(n) chains, expected \(chains)") }
        var out: [Chain?] = []
        for c in 0..<n {
            guard try r.readBool() else { out.append(nil); continue }
            let iteration = try r.readInt(), recorded = try r.readInt()
            let state = try r.readBytes(), draws = try r.readDoubles(), statistics = try r.readDoubles()
            let rows = min(recorded, capacity)
            guard iteration >= 0, recorded >= 0, draws.count == rows * dimension,
                  statistics.isEmpty || statistics.count == rows * statisticsColumns else {
                throw .runtime("checkpoint: chain \(c + 1) holds \(draws.count) draw values and \(statistics.count) statistics for \(rows) rows of \(dimension)")
            }
            out.append(Chain(state: state, iteration: iteration, recorded: recorded, draws: draws, statistics: statistics))
        }
        return RunCheckpoint(chains: out)
    }
}
