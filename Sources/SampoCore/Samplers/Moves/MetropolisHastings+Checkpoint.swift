/// The accept step's bookkeeping in a checkpoint.
extension MetropolisHastings {
    func write(to w: inout CheckpointWriter) { w.write(nanProposals); w.write(lastLogAlpha) }
    mutating func read(from r: inout CheckpointReader) throws(SampoError) {
        nanProposals = try r.readInt(); lastLogAlpha = try r.readDouble()
    }
}
