/// The last transition's statistics in a checkpoint.
extension TransitionStatistics {
    func write(to w: inout CheckpointWriter) {
        w.write(acceptStatistic); w.write(stepSize); w.write(treeDepth); w.write(leapfrogSteps); w.write(divergent); w.write(energy)
    }
    mutating func read(from r: inout CheckpointReader) throws(SampoError) {
        acceptStatistic = try r.readDouble(); stepSize = try r.readDouble(); treeDepth = try r.readInt()
        leapfrogSteps = try r.readInt(); divergent = try r.readBool(); energy = try r.readDouble()
    }
}
