import SampoCore
import SampoDiagnostics
import Dispatch
import Foundation

/// Runs independent chains in parallel. Chain c uses the random stream (seed, c) for its start
/// and its moves, and writes only its own slice of the draws, so the result is identical for
/// any number of jobs.
public enum Chains {
    /// `makeKernel` is called once per chain, on the worker thread that runs it. A chain whose
    /// start has a non-finite log density fails the run with `.nonFiniteStart` naming it (the first
    /// such chain); chains that diverge later stop and are reported in the outcomes.
    /// `checkpoints` lets another thread take checkpoints of the run as it goes; `resumingFrom`
    /// continues a checkpointed run (of the same settings and kernels), which then ends exactly as
    /// the run never stopped would have.
    public static func run(settings: RunSettings, dimension: Int, checkpoints: CheckpointControl? = nil,
                           resumingFrom resumed: RunCheckpoint? = nil,
                           makeKernel: @escaping @Sendable () throws(SampoError) -> any MarkovKernel) throws(SampoError) -> ChainRun {
        try settings.validate(dimension: dimension)
        if let resumed, resumed.chains.count != settings.chains {
            throw .runtime("checkpoint: a run of \(resumed.chains.count) chains, expected \(settings.chains)")
        }
        let capacity = settings.drawsCapacity
        var chainMoments = [RunningMoments?](repeating: nil, count: settings.chains)
        var draws = Draws(chains: settings.chains, capacity: capacity, dimension: dimension, onDisk: settings.drawsOnDisk)
        var outcomes = [ChainOutcome](repeating: ChainOutcome(acceptanceRate: 0, counts: OracleCounts()),
                                      count: settings.chains)
        var failures = [SampoError?](repeating: nil, count: settings.chains)
        let columns = TransitionStatistics.columns.count
        var statistics = [Double](repeating: 0, count: settings.samplerStatistics ? settings.chains * capacity * columns : 0)
        let start = DispatchTime.now().uptimeNanoseconds
        let jobs = min(settings.jobs, settings.chains)
        let storage = draws.storage   // fresh, so not shared: workers write into it directly
        // A resumed run starts from the draws and statistics its chains had kept.
        for (c, chain) in (resumed?.chains ?? []).enumerated() {
            guard let chain else { continue }
            let rows = min(chain.recorded, capacity)
            guard chain.draws.count == rows * dimension || capacity == 0,
                  chain.statistics.count == (settings.samplerStatistics ? rows * columns : 0) else {
                throw .runtime("checkpoint: chain \(c + 1) holds draws or statistics of another shape than this run's")
            }
            if capacity > 0 {
                chain.draws.withUnsafeBufferPointer { (storage.base + c * capacity * dimension).update(from: $0.baseAddress!, count: $0.count) }
            }
            for k in chain.statistics.indices { statistics[c * capacity * columns + k] = chain.statistics[k] }
        }
        do {
            let valuesBase: UnsafeMutablePointer<Double>? = storage.base
            statistics.withUnsafeMutableBufferPointer { statisticsBuffer in
            let statisticsBase = settings.samplerStatistics ? statisticsBuffer.baseAddress : nil
            draws.recorded.withUnsafeMutableBufferPointer { recordedBuffer in
                outcomes.withUnsafeMutableBufferPointer { outcomeBuffer in
                    failures.withUnsafeMutableBufferPointer { failureBuffer in
                  chainMoments.withUnsafeMutableBufferPointer { momentsBuffer in
                        let shared = SharedOutput(values: valuesBase, recorded: recordedBuffer.baseAddress!,
                                                  outcomes: outcomeBuffer.baseAddress!, failures: failureBuffer.baseAddress!,
                                                  statistics: statisticsBase, moments: momentsBuffer.baseAddress!)
                        checkpoints?.begin(chains: settings.chains,
                                           output: .init(values: capacity > 0 ? valuesBase : nil, statistics: statisticsBase, dimension: dimension,
                                                         capacity: capacity, columns: columns, storage: storage),
                                           resumed: resumed)
                        defer { checkpoints?.end() }
                        DispatchQueue.concurrentPerform(iterations: jobs) { worker in
                            for chain in stride(from: worker, to: settings.chains, by: jobs) {
                                do throws(SampoError) {
                                    let kernel = try makeKernel()
                                    let result = try runChain(kernel, chain: chain, settings: settings, capacity: capacity,
                                                              out: shared.values.map { $0 + chain * capacity * dimension },
                                                              storage: storage, storageOffset: chain * capacity * dimension,
                                                              statistics: shared.statistics.map { $0 + chain * capacity * columns },
                                                              control: checkpoints, resume: resumed?.chains[chain])
                                    shared.recorded[chain] = result.recorded
                                    shared.outcomes[chain] = result.outcome
                                    shared.moments[chain] = result.moments
                                } catch {
                                    shared.failures[chain] = error
                                }
                            }
                        }
                  }
                    }
                }
            }
            }
        }
        if let first = failures.compactMap({ $0 }).first { throw first }
        var merged: RunningMoments?
        for c in 0..<settings.chains where outcomes[c].divergedAt == nil {
            guard let m = chainMoments[c] else { continue }
            if merged == nil { merged = m } else { merged?.merge(m) }
        }
        if settings.oracleBudget != nil {
            let healthy = outcomes.indices.filter { outcomes[$0].divergedAt == nil }
            if let shortest = healthy.map({ draws.recorded[$0] }).min() {
                for c in healthy { draws.recorded[c] = shortest }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return ChainRun(settings: settings, draws: draws, outcomes: outcomes, wallSeconds: seconds,
                        statistics: settings.samplerStatistics ? statistics : nil, moments: merged)
    }

    /// Runs one chain to completion or divergence, writing kept draws to `out`.
    /// Generic over the kernel so that, for the kernels of the benchmark on the shipped mixture, the
    /// loop is compiled with direct calls to `step`, `positionIsFinite` and `position` (the
    /// existential is opened once per chain, not three times per step). With `control`, the chain
    /// writes its state when asked (and at the control's test iteration); with `resume`, it
    /// continues from such a state instead of starting.
    @_specialize(where K == MALA<GaussianMixture>)
    @_specialize(where K == ULA<GaussianMixture>)
    @_specialize(where K == RWM<GaussianMixture>)
    static func runChain<K: MarkovKernel>(_ kernel: K, chain: Int, settings: RunSettings, capacity: Int,
                                          out: UnsafeMutablePointer<Double>?, storage: DrawsStorage? = nil,
                                          storageOffset: Int = 0, statistics: UnsafeMutablePointer<Double>? = nil,
                                          control: CheckpointControl? = nil, resume: RunCheckpoint.Chain? = nil)
        throws(SampoError) -> (recorded: Int, outcome: ChainOutcome, moments: RunningMoments?) {
        let d = kernel.dimension
        var moments = settings.momentProbabilities.map { RunningMoments(dimension: d, probabilities: $0) }
        let rng = RandomStream(seed: settings.seed, stream: UInt64(chain))
        var start = settings.initialization.start(chain: chain, rng: rng, dimension: d)
        if let m = settings.initialMetric {
            guard let h = kernel as? any MetricCarrying else {
                throw .invalid(.argument("initialMetric"), "this sampler has no metric to start from (hmc, nuts, mala and the kinetic splittings have one)")
            }
            try h.adapt(inverseMetric: m)
        }
        var startLogDensity = start.withUnsafeBufferPointer { kernel.reset(to: $0.baseAddress!) }
        // Stan's random start tries again (up to 100 draws in all) where the density is not finite,
        // e.g. an ODE that fails for extreme parameters.
        if case .uniform(let r) = settings.initialization {
            var attempts = 1
            while !startLogDensity.isFinite && attempts < Initialization.uniformAttempts {
                attempts += 1
                for j in 0..<d { start[j] = r * (2 * rng.uniform() - 1) }
                startLogDensity = start.withUnsafeBufferPointer { kernel.reset(to: $0.baseAddress!) }
            }
        }
        guard startLogDensity.isFinite else { throw .nonFiniteStart(chain: chain, logDensity: startLogDensity) }
        var warmup: WarmupAdaptation?
        if let adaptation = settings.adaptation, settings.warmup > 0 {
            guard let adaptable = kernel as? any StepSizeAdaptable else {
                throw .invalid(.argument("adaptation"), "this sampler cannot adapt its step size (adaptation needs a Metropolis-adjusted or Hamiltonian sampler)")
            }
            warmup = WarmupAdaptation(kernel: adaptable, warmup: settings.warmup, target: adaptation.target,
                                      metric: adaptation.metric, rng: rng,
                                      schedule: adaptation.schedule, lowRank: adaptation.lowRank,
                                      refitEvery: adaptation.refitEvery)
        }
        var p = ChainProgress()
        p.adaptationFinished = warmup == nil
        let checkpointable = control == nil && resume == nil ? nil : kernel as? any Checkpointable
        if (control != nil || resume != nil) && checkpointable == nil {
            throw .invalid(.argument("checkpoints"), "this sampler's kernel (\(type(of: kernel))) does not write its state, so its runs cannot be checkpointed")
        }
        // The state of a checkpoint replaces all of the above (which set up the objects it is read into).
        if let resume, let checkpointable {
            var r = CheckpointReader(resume.state)
            try r.section("chain \(chain + 1)")
            try checkpointable.readState(from: &r)
            try rng.readState(from: &r)
            p = try ChainProgress.read(from: &r)
            if !p.adaptationFinished {
                guard warmup != nil else { throw .runtime("checkpoint: chain \(chain + 1) was in a warm-up adaptation this run does not have") }
                try warmup?.readState(from: &r)
            }
            guard try r.readBool() == (moments != nil) else { throw .runtime("checkpoint: chain \(chain + 1) has running moments where this run has none, or the reverse") }
            try moments?.read(from: &r)
            guard r.isAtEnd, p.iteration == resume.iteration, p.recorded == resume.recorded else {
                throw .runtime("checkpoint: chain \(chain + 1)'s state does not end where expected")
            }
        }
        var answered = control?.started(chain: chain) ?? 0
        defer { control?.finished(chain: chain) }
        if warmup != nil, !p.adaptationFinished {
            while p.iteration < settings.warmup {
                if let control, let checkpointable, control.asks(answered: answered, iteration: p.iteration) {
                    answered = post(to: control, chain: chain, kernel: checkpointable, rng: rng, progress: p, warmup: warmup, moments: moments)
                }
                p.iteration += 1
                _ = kernel.step(rng: rng)
                if !kernel.positionIsWithin(settings.divergenceBound) { p.divergedAt = p.iteration; break }
                warmup!.afterTransition()
            }
            p.adaptedStepSize = warmup!.finish()
            p.warmupCounts = kernel.counts
            p.inverseMetric = (kernel as? any MetricCarrying)?.inverseMetric
            p.metricFallbacks = warmup!.fallbacks + warmup!.failedMetricUpdates
            p.adaptationFinished = true
            warmup = nil
        }
        if p.inverseMetric == nil, settings.initialMetric != nil { p.inverseMetric = (kernel as? any MetricCarrying)?.inverseMetric }
        // Hamiltonian kernels report divergent transitions; statistics are read only when asked.
        let hamiltonian = kernel as? any HamiltonianTransitions
        let reporting = statistics == nil ? nil : kernel as? any TransitionReporting
        if statistics != nil && reporting == nil {
            throw .invalid(.argument("samplerStatistics"), "this sampler records no per-transition statistics (Metropolis-adjusted and Hamiltonian samplers do)")
        }
        let maxTreeDepth = hamiltonian?.maxTreeDepth
        // Kernels that tune themselves in warm-up (parallel tempering) are told when it ends.
        let selfTuning = kernel as? any SelfTuningKernel
        if p.iteration < settings.warmup && !p.tuningBegun { selfTuning?.beginWarmup(iterations: settings.warmup); p.tuningBegun = true }
        // Written blocks of a file-backed run are handed back to the file as the chain goes.
        let releaseEvery = storage?.isFileBacked == true && out != nil && capacity > 0
            ? max(1, DrawsStorage.releaseBlock / max(d, 1)) : Int.max
        var untilRelease = releaseEvery == .max ? releaseEvery : releaseEvery - p.recorded % releaseEvery
        let total = settings.warmup + settings.steps
        let budget = settings.oracleBudget ?? .max
        while p.divergedAt == nil && p.iteration < total {
            if let control, let checkpointable, control.asks(answered: answered, iteration: p.iteration) {
                answered = post(to: control, chain: chain, kernel: checkpointable, rng: rng, progress: p, warmup: nil, moments: moments)
            }
            if p.iteration >= settings.warmup && kernel.counts.gradientEvaluations + kernel.counts.densityEvaluations >= budget { break }
            p.iteration += 1
            let ok = kernel.step(rng: rng)
            if !kernel.positionIsWithin(settings.divergenceBound) { p.divergedAt = p.iteration; break }
            if p.iteration == settings.warmup { selfTuning?.endWarmup() }
            if p.iteration > settings.warmup {
                if ok { p.accepted += 1 }
                if let hamiltonian {
                    let t = hamiltonian.lastTransition
                    if t.divergent { p.divergentTransitions += 1 }
                    if let maxTreeDepth, t.treeDepth >= maxTreeDepth { p.treeDepthSaturations += 1 }
                    p.acceptStatistics += t.acceptStatistic
                    p.addEnergy(t.energy)
                }
                p.sinceKept += 1
                if p.sinceKept == settings.thin {
                    p.sinceKept = 0
                    if let out, p.recorded < capacity {
                        (out + p.recorded * d).update(from: kernel.position, count: d)
                    }
                    if moments != nil { moments?.add(kernel.position) }
                    if let statistics, let reporting, p.recorded < capacity {
                        reporting.lastTransition.write(to: statistics + p.recorded * TransitionStatistics.columns.count)
                    }
                    p.recorded += 1
                    untilRelease -= 1
                    if untilRelease == 0, let storage {
                        storage.release(offset: storageOffset + (p.recorded - releaseEvery) * d, count: releaseEvery * d)
                        untilRelease = releaseEvery
                    }
                }
            }
        }
        // The final state: a checkpoint taken from now on holds the chain as finished.
        if let control, let checkpointable {
            _ = post(to: control, chain: chain, kernel: checkpointable, rng: rng, progress: p, warmup: nil, moments: moments, final: true)
        }
        let kept = max(0, p.iteration - settings.warmup)
        // Hamiltonian kernels: the mean acceptance statistic (NUTS always "accepts").
        let acceptance = hamiltonian == nil ? Double(p.accepted) : p.acceptStatistics
        var outcome = ChainOutcome(acceptanceRate: kept > 0 ? acceptance / Double(kept) : 0,
                                   counts: kernel.counts, warmupCounts: p.warmupCounts, divergedAt: p.divergedAt, nanProposals: kernel.nanProposals,
                                   adaptedStepSize: p.adaptedStepSize, inverseMetric: p.inverseMetric,
                                   metricFallbacks: p.metricFallbacks, divergentTransitions: p.divergentTransitions,
                                   report: (kernel as? any KernelReporting)?.report)
        outcome.keptTransitions = kept
        outcome.tracksAcceptance = kernel is any TransitionReporting
        outcome.treeDepthSaturations = p.treeDepthSaturations
        outcome.maxTreeDepth = maxTreeDepth
        outcome.ebfmi = p.ebfmi
        return (min(p.recorded, capacity), outcome, moments)
    }

    /// Writes a chain's state (kernel, stream, progress, warm-up while it lasts, running moments) and
    /// hands it to the control; returns the request number answered.
    private static func post(to control: CheckpointControl, chain: Int, kernel: any Checkpointable, rng: RandomStream,
                             progress p: ChainProgress, warmup: WarmupAdaptation?, moments: RunningMoments?, final: Bool = false) -> Int {
        let number = control.generation.load(ordering: .relaxed)
        var w = CheckpointWriter()
        w.section("chain \(chain + 1)")
        kernel.writeState(to: &w)
        rng.writeState(to: &w)
        p.write(to: &w)
        if !p.adaptationFinished { warmup?.writeState(to: &w) }
        w.write(moments != nil)
        moments?.write(to: &w)
        control.post(chain: chain, state: w.bytes, iteration: p.iteration, recorded: p.recorded, answering: number, final: final)
        return number
    }
}

/// Raw pointers into the run's output arrays. Each worker writes only the slots of its own
/// chains, so sharing them across threads is race-free.
private struct SharedOutput: @unchecked Sendable {
    let values: UnsafeMutablePointer<Double>?
    let recorded: UnsafeMutablePointer<Int>
    let outcomes: UnsafeMutablePointer<ChainOutcome>
    let failures: UnsafeMutablePointer<SampoError?>
    let statistics: UnsafeMutablePointer<Double>?
    let moments: UnsafeMutablePointer<RunningMoments?>
}
