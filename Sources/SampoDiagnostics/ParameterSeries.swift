import SampoCore

/// One parameter's chains (equal lengths), read a piece at a time: `load(c, start, out)` fills
/// `out` with draws `start ..< start + out.count` of chain `c`. Long runs are summarised from this
/// view so that no more than a chain's worth of one parameter is copied at once.
public struct ParameterSeries: Sendable {
    public let chains: Int
    public let length: Int
    public let load: @Sendable (_ chain: Int, _ start: Int, _ out: UnsafeMutableBufferPointer<Double>) -> Void

    public init(chains: Int, length: Int,
                load: @escaping @Sendable (_ chain: Int, _ start: Int, _ out: UnsafeMutableBufferPointer<Double>) -> Void) {
        self.chains = chains
        self.length = length
        self.load = load
    }

    /// Chains held in arrays (all of the same length).
    public init(_ arrays: [[Double]]) {
        self.init(chains: arrays.count, length: arrays.first?.count ?? 0) { c, start, out in
            arrays[c].withUnsafeBufferPointer { src in
                guard let to = out.baseAddress, let from = src.baseAddress else { return }
                to.update(from: from + start, count: out.count)
            }
        }
    }

    /// Coordinate `j` of the given chains of `draws` (each must hold all `capacity` draws); the
    /// pages read are handed back to the file as the reading goes on.
    public init(draws: Draws, chains selected: [Int], coordinate j: Int) {
        let d = draws.dimension, capacity = draws.capacity
        self.init(chains: selected.count, length: capacity) { c, start, out in
            let chain = selected[c]
            var done = 0
            while done < out.count {
                let n = min(DrawsStorage.releaseBlock / max(d, 1) + 1, out.count - done)
                let offset = (chain * capacity + start + done) * d
                let src = draws.storage.base + offset + j
                for i in 0..<n { out[done + i] = src[i * d] }
                draws.storage.release(offset: offset, count: n * d)
                done += n
            }
        }
    }

    /// The same chains multiplied by `factor`.
    func scaled(by factor: Double) -> ParameterSeries {
        let inner = load
        return ParameterSeries(chains: chains, length: length) { c, start, out in
            inner(c, start, out)
            for i in out.indices { out[i] *= factor }
        }
    }
}
