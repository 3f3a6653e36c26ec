import SampoCore
/// iid draws from a target's exact sampler, as one chain.
public enum ExactDraws {
    public static func draw(_ target: NamedTarget, count: Int, seed: UInt64) throws(SampoError) -> Draws {
        guard let sampler = target.exactSampler else {
            throw .badFile(path: target.path, "target '\(target.name)' (family \(target.family)) has no exact sampler")
        }
        guard count >= 1 else { throw .invalid(.argument("count"), "expected at least 1 draw, found \(count)") }
        try MemoryLimit.check(doubles: [count, target.dimension], for: .argument("count"),
                              what: "\(count) draws of dimension \(target.dimension)")
        let d = target.dimension
        var draws = Draws(chains: 1, capacity: count, dimension: d)
        let rng = RandomStream(seed: seed, stream: 0)
        // Written blocks of a file-backed buffer go back to the file as they fill (readers fault them in again).
        // (The storage is fresh, so not shared: written directly.)
        let storage = draws.storage, block = max(1, DrawsStorage.releaseBlock / max(d, 1))
        for i in 0..<count {
            sampler.drawExact(into: storage.base + i * d, rng: rng)
            if (i + 1) % block == 0 { storage.release(offset: (i + 1 - block) * d, count: block * d) }
        }
        draws.recorded[0] = count
        return draws
    }
}
