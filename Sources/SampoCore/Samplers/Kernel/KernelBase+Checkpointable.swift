/// Every kernel's state: the step size, the oracle counts and all its working vectors (the
/// position, cached gradients, momenta, velocities — scratch included, which costs little and
/// leaves nothing out), then what its family keeps beside them (`writeFamilyState`). A kernel built
/// with the same settings and given this state continues exactly as the original would have.
extension KernelBase: Checkpointable {
    public func writeState(to w: inout CheckpointWriter) {
        w.section("kernel")
        w.write(String(describing: type(of: self)))
        w.write(buffers.count)
        w.write(stepSize)
        counts.write(to: &w)
        w.write(UnsafeBufferPointer(buffers.all))
        writeFamilyState(to: &w)
    }

    public func readState(from r: inout CheckpointReader) throws(SampoError) {
        try r.section("kernel")
        let kind = try r.readString(), vectors = try r.readInt()
        let own = String(describing: type(of: self))
        guard kind == own, vectors == buffers.count else {
            throw .runtime("checkpoint: a \(kind) kernel with \(vectors) working vectors, expected \(own) with \(buffers.count)")
        }
        stepSize = try r.readDouble()
        counts = try OracleCounts.read(from: &r)
        try r.readDoubles(into: buffers.all)
        try readFamilyState(from: &r)
    }
}
