/// Checkpoints of a population run between its stages (SMC's temperatures, rdMC's outer steps).
/// The sampler calls `stage` at the start of every stage and once more when its stages are done
/// (`final`); the owner decides whether to take the state then. A run given `resumeState` builds
/// itself as usual, then reads the state over what it built, and continues exactly as the run the
/// state was taken from.
public protocol StageCheckpoints: AnyObject {
    /// The state to continue from (nil: start afresh).
    var resumeState: [UInt8]? { get }
    /// At the start of stage `k` (0, 1, …) or, with `final`, after the last: `write` writes the
    /// run's whole state (the random stream included) when called.
    func stage(_ k: Int, final: Bool, write: (inout CheckpointWriter) -> Void)
}
