import SampoCore
/// iid draws from a target's exact sampler, as one chain.
public enum ExactDraws {
    public static func draw(_ target: NamedTarget, count: Int, seed: UInt64) throws(SampoError) -> Draws {
        guard let sampler = target.exactSampler else {
            throw .usage("\(target.path): target '\(target.name)' (family \(target.family)) has no exact sampler")
        }
        guard count >= 1 else { throw .invalid(.argument("count"), "expected at least 1 draw, found \(count)") }
        try MemoryLimit.check(doubles: [count, target.dimension], for: .argument("count"),
                              what: "\(count) draws of dimension \(target.dimension)")
        let d = target.dimension
        var draws = Draws(chains: 1, capacity: count, dimension: d)
        let rng = RandomStream(seed: seed, stream: 0)
        draws.withMutableValues { buf in
            for i in 0..<count { sampler.drawExact(into: buf.baseAddress! + i * d, rng: rng) }
        }
        draws.recorded[0] = count
        return draws
    }
}
