import CGSL

/// One independent random stream: a GSL Mersenne Twister owned by exactly one chain or
/// thread (GSL generators are not thread-safe). The stream of chain c under seed s is
/// fixed by (s, c), which makes runs reproducible for any number of worker threads.
public final class RandomStream {
    @usableFromInline let rng: UnsafeMutablePointer<gsl_rng>

    /// A stream for `(seed, stream)`. MT19937 takes a 32-bit seed, so the derived 64-bit seed is
    /// folded to 32 bits.
    public init(seed: UInt64, stream: UInt64 = 0) {
        GSL.configure()
        // gsl_rng_alloc only fails when out of memory; there is nothing sensible to do then.
        rng = gsl_rng_alloc(sampo_rng_mt19937())!
        let derived = StreamSeed.derive(seed: seed, stream: stream)
        gsl_rng_set(rng, UInt((derived ^ (derived >> 32)) & 0xFFFF_FFFF))
    }

    deinit { gsl_rng_free(rng) }

    /// A standard normal draw (GSL's ziggurat, as the C baseline uses).
    @inlinable @inline(__always)
    public func normal() -> Double { gsl_ran_gaussian_ziggurat(rng, 1.0) }

    /// Uniform on (0, 1): never 0, so its logarithm is always finite.
    @inlinable @inline(__always)
    public func uniformPositive() -> Double { gsl_rng_uniform_pos(rng) }

    /// Uniform on [0, 1).
    @inlinable @inline(__always)
    public func uniform() -> Double { gsl_rng_uniform(rng) }

    /// Index k with probability `weights[k]` (weights sum to 1; the last index absorbs rounding).
    @inlinable
    public func categorical(_ cumulative: UnsafeBufferPointer<Double>) -> Int {
        let u = uniform()
        for k in 0..<(cumulative.count - 1) where u < cumulative[k] { return k }
        return cumulative.count - 1
    }

    /// Laplace(0, scale) draw.
    @inlinable
    public func laplace(scale: Double) -> Double { gsl_ran_laplace(rng, scale) }

    /// Fills `buffer` with standard normal draws.
    @inlinable
    public func fillNormal(_ buffer: UnsafeMutablePointer<Double>, count: Int) {
        for j in 0..<count { buffer[j] = normal() }
    }
}

/// The generator's whole state (MT19937's 624 words and position, as GSL holds them): a stream
/// read back continues with the draws the original would have made.
extension RandomStream: Checkpointable {
    public func writeState(to w: inout CheckpointWriter) {
        w.section("random stream")
        let size = gsl_rng_size(rng)
        let state = UnsafeRawBufferPointer(start: gsl_rng_state(rng), count: size)
        w.write(String(cString: gsl_rng_name(rng)))
        w.write(bytes: Array(state))
    }

    public func readState(from r: inout CheckpointReader) throws(SampoError) {
        try r.section("random stream")
        let name = try r.readString(), state = try r.readBytes()
        let own = String(cString: gsl_rng_name(rng)), size = gsl_rng_size(rng)
        guard name == own, state.count == size else {
            throw .runtime("checkpoint: a random stream of \(name) (\(state.count) bytes), expected \(own) (\(size) bytes)")
        }
        state.withUnsafeBytes { UnsafeMutableRawPointer(gsl_rng_state(rng)!).copyMemory(from: $0.baseAddress!, byteCount: size) }
    }
}

