import SampoCore

/// Running moments in a checkpoint: the count, Welford's sums and every P² marker, so that a
/// chain resumed mid-run streams on into the same estimates as one never stopped.
extension RunningMoments {
    public func write(to w: inout CheckpointWriter) {
        w.section("moments")
        w.write(dimension); w.write(probabilities)
        w.write(count); w.write(mean); w.write(m2); w.write(extremes); w.write(markers)
        w.write(mergedQuantiles); w.write(mergedChains)
    }

    /// Reads into moments built for the same dimension and probabilities.
    public mutating func read(from r: inout CheckpointReader) throws(SampoError) {
        try r.section("moments")
        let d = try r.readInt(), p = try r.readDoubles()
        guard d == dimension, p == probabilities else {
            throw .runtime("checkpoint: running moments of dimension \(d) at probabilities \(p), expected \(dimension) at \(probabilities)")
        }
        count = try r.readInt()
        func same(_ values: [Double], _ like: [Double], _ what: String) throws(SampoError) -> [Double] {
            guard values.count == like.count else { throw .runtime("checkpoint: \(values.count) \(what), expected \(like.count)") }
            return values
        }
        mean = try same(try r.readDoubles(), mean, "means")
        m2 = try same(try r.readDoubles(), m2, "sums of squares")
        extremes = try same(try r.readDoubles(), extremes, "P² outer markers")
        markers = try same(try r.readDoubles(), markers, "P² markers")
        mergedQuantiles = try same(try r.readDoubles(), mergedQuantiles, "merged quantiles")
        mergedChains = try r.readInt()
    }
}
