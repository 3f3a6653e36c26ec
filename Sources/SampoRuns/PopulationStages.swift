import SampoCore

/// One population run's side of a ``CheckpointControl``: between stages it answers the control's
/// requests (and its test stage) with the run's state, and once the stages are done it posts the
/// final state; a resumed run reads `resumeState`.
final class PopulationStages: StageCheckpoints {
    let control: CheckpointControl?
    let run: Int
    let resumeState: [UInt8]?
    private var answered: Int

    init(control: CheckpointControl?, run: Int, resumeState: [UInt8]?) {
        self.control = control; self.run = run; self.resumeState = resumeState
        answered = control?.started(chain: run) ?? 0
    }

    func stage(_ k: Int, final: Bool, write: (inout CheckpointWriter) -> Void) {
        guard let control, final || control.asks(answered: answered, iteration: k) else { return }
        answered = control.generation.load(ordering: .relaxed)
        var w = CheckpointWriter()
        write(&w)
        control.post(chain: run, state: w.bytes, iteration: k, recorded: 0, answering: answered, final: final)
    }
}
