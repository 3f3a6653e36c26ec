/// Oracle counts in a checkpoint: gradient calls, then density calls.
extension OracleCounts {
    public func write(to w: inout CheckpointWriter) { w.write(gradientEvaluations); w.write(densityEvaluations) }

    public static func read(from r: inout CheckpointReader) throws(SampoError) -> OracleCounts {
        OracleCounts(gradientEvaluations: try r.readInt(), densityEvaluations: try r.readInt())
    }
}
