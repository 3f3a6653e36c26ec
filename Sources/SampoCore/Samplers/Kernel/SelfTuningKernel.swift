/// A kernel that tunes itself during warm-up (parallel tempering's schedule and step sizes):
/// the runner says how long warm-up lasts before the first step and when it has ended.
public protocol SelfTuningKernel: MarkovKernel {
    func beginWarmup(iterations: Int)
    func endWarmup()
}
