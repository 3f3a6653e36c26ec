/// Derives the seed of one chain's random stream from (run seed, chain index), so a chain's
/// draws depend only on those two numbers and never on how chains are spread over threads.
public enum StreamSeed {
    /// SplitMix64's finaliser: a bijective 64-bit mix with good avalanche.
    @inlinable
    public static func mix(_ z0: UInt64) -> UInt64 {
        var z = z0 &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The seed for `stream` under `seed`. Two rounds so nearby (seed, stream) pairs are unrelated.
    public static func derive(seed: UInt64, stream: UInt64) -> UInt64 {
        mix(mix(seed) ^ (stream &* 0xD1B5_4A32_D192_ED03))
    }
}
