import SampoCore

/// A comparison cell's run made resumable: the control another thread takes checkpoints with, and
/// the state record (``RunCheckpoint/write(to:)``'s bytes) of an earlier run of the same cell to
/// continue, read by the cell's own job once it is built.
public struct CellCheckpoint: Sendable {
    public let control: CheckpointControl
    public let resumeState: [UInt8]?

    public init(control: CheckpointControl, resumeState: [UInt8]?) { self.control = control; self.resumeState = resumeState }

    /// The earlier run's checkpoint, read with `read` (the job's reader); nil when there is none.
    func resumed(_ read: (inout CheckpointReader) throws(SampoError) -> RunCheckpoint) throws(SampoError) -> RunCheckpoint? {
        guard let resumeState else { return nil }
        var r = CheckpointReader(resumeState)
        let run = try read(&r)
        guard r.isAtEnd else { throw .runtime("checkpoint: bytes left after the cell's run state") }
        return run
    }
}
