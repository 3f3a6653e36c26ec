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
    public static func run(settings: RunSettings, dimension: Int,
                           makeKernel: @escaping @Sendable () throws(SampoError) -> any MarkovKernel) throws(SampoError) -> ChainRun {
        try settings.validate(dimension: dimension)
        let capacity = settings.keepDraws ? settings.steps / settings.thin : 0
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
                        DispatchQueue.concurrentPerform(iterations: jobs) { worker in
                            for chain in stride(from: worker, to: settings.chains, by: jobs) {
                                do throws(SampoError) {
                                    let kernel = try makeKernel()
                                    let result = try runChain(kernel, chain: chain, settings: settings, capacity: capacity,
                                                              out: shared.values.map { $0 + chain * capacity * dimension },
                                                              storage: storage, storageOffset: chain * capacity * dimension,
                                                              statistics: shared.statistics.map { $0 + chain * capacity * columns })
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
    /// existential is opened once per chain, not three times per step).
    @_specialize(where K == MALA<GaussianMixture>)
    @_specialize(where K == ULA<GaussianMixture>)
    @_specialize(where K == RWM<GaussianMixture>)
    static func runChain<K: MarkovKernel>(_ kernel: K, chain: Int, settings: RunSettings, capacity: Int,
                                          out: UnsafeMutablePointer<Double>?, storage: DrawsStorage? = nil,
                                          storageOffset: Int = 0, statistics: UnsafeMutablePointer<Double>? = nil)
        throws(SampoError) -> (recorded: Int, outcome: ChainOutcome, moments: RunningMoments?) {
        let d = kernel.dimension
        var moments = settings.momentProbabilities.map { RunningMoments(dimension: d, probabilities: $0) }
        // Written blocks of a file-backed run are handed back to the file as the chain goes.
        let releaseEvery = storage?.isFileBacked == true && out != nil && capacity > 0
            ? max(1, DrawsStorage.releaseBlock / max(d, 1)) : Int.max
        var untilRelease = releaseEvery
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
        var accepted = 0
        var recorded = 0
        var divergedAt: Int?
        let total = settings.warmup + settings.steps
        var iteration = 0
        var sinceKept = 0
        var adaptedStepSize: Double?, inverseMetric: InverseMetric?, metricFallbacks = 0, warmupCounts = OracleCounts()
        if let adaptation = settings.adaptation, settings.warmup > 0 {
            guard let adaptable = kernel as? any StepSizeAdaptable else {
                throw .invalid(.argument("adaptation"), "this sampler cannot adapt its step size (adaptation needs a Metropolis-adjusted or Hamiltonian sampler)")
            }
            var warmup = WarmupAdaptation(kernel: adaptable, warmup: settings.warmup, target: adaptation.target,
                                          metric: adaptation.metric, rng: rng,
                                          schedule: adaptation.schedule, lowRank: adaptation.lowRank,
                                          refitEvery: adaptation.refitEvery)
            while iteration < settings.warmup {
                iteration += 1
                _ = kernel.step(rng: rng)
                if !kernel.positionIsWithin(settings.divergenceBound) { divergedAt = iteration; break }
                warmup.afterTransition()
            }
            adaptedStepSize = warmup.finish()
            warmupCounts = kernel.counts
            inverseMetric = (kernel as? any MetricCarrying)?.inverseMetric
            metricFallbacks = warmup.fallbacks + warmup.failedMetricUpdates
        }
        if inverseMetric == nil, settings.initialMetric != nil { inverseMetric = (kernel as? any MetricCarrying)?.inverseMetric }
        // Hamiltonian kernels report divergent transitions; statistics are read only when asked.
        let hamiltonian = kernel as? any HamiltonianTransitions
        let reporting = statistics == nil ? nil : kernel as? any TransitionReporting
        if statistics != nil && reporting == nil {
            throw .invalid(.argument("samplerStatistics"), "this sampler records no per-transition statistics (Metropolis-adjusted and Hamiltonian samplers do)")
        }
        var divergentTransitions = 0, acceptStatistics = 0.0, treeDepthSaturations = 0
        let maxTreeDepth = hamiltonian?.maxTreeDepth
        // E-BFMI's sums: squared successive energy differences, and Welford's for the energy's variance.
        var energyCount = 0, previousEnergy = 0.0, squaredJumps = 0.0, energyMean = 0.0, energySquares = 0.0
        // Kernels that tune themselves in warm-up (parallel tempering) are told when it ends.
        let selfTuning = kernel as? any SelfTuningKernel
        if iteration < settings.warmup { selfTuning?.beginWarmup(iterations: settings.warmup) }
        let budget = settings.oracleBudget ?? .max
        while divergedAt == nil && iteration < total {
            if iteration >= settings.warmup && kernel.counts.gradientEvaluations + kernel.counts.densityEvaluations >= budget { break }
            iteration += 1
            let ok = kernel.step(rng: rng)
            if !kernel.positionIsWithin(settings.divergenceBound) { divergedAt = iteration; break }
            if iteration == settings.warmup { selfTuning?.endWarmup() }
            if iteration > settings.warmup {
                if ok { accepted += 1 }
                if let hamiltonian {
                    let t = hamiltonian.lastTransition
                    if t.divergent { divergentTransitions += 1 }
                    if let maxTreeDepth, t.treeDepth >= maxTreeDepth { treeDepthSaturations += 1 }
                    acceptStatistics += t.acceptStatistic
                    let e = t.energy
                    if energyCount > 0 { squaredJumps += (e - previousEnergy) * (e - previousEnergy) }
                    energyCount += 1
                    let delta = e - energyMean
                    energyMean += delta / Double(energyCount)
                    energySquares += delta * (e - energyMean)
                    previousEnergy = e
                }
                sinceKept += 1
                if sinceKept == settings.thin {
                    sinceKept = 0
                    if let out, recorded < capacity {
                        (out + recorded * d).update(from: kernel.position, count: d)
                    }
                    if moments != nil { moments?.add(kernel.position) }
                    if let statistics, let reporting, recorded < capacity {
                        reporting.lastTransition.write(to: statistics + recorded * TransitionStatistics.columns.count)
                    }
                    recorded += 1
                    untilRelease -= 1
                    if untilRelease == 0, let storage {
                        storage.release(offset: storageOffset + (recorded - releaseEvery) * d, count: releaseEvery * d)
                        untilRelease = releaseEvery
                    }
                }
            }
        }
        let kept = max(0, iteration - settings.warmup)
        // Hamiltonian kernels: the mean acceptance statistic (NUTS always "accepts").
        let acceptance = hamiltonian == nil ? Double(accepted) : acceptStatistics
        var outcome = ChainOutcome(acceptanceRate: kept > 0 ? acceptance / Double(kept) : 0,
                                   counts: kernel.counts, warmupCounts: warmupCounts, divergedAt: divergedAt, nanProposals: kernel.nanProposals,
                                   adaptedStepSize: adaptedStepSize, inverseMetric: inverseMetric,
                                   metricFallbacks: metricFallbacks, divergentTransitions: divergentTransitions,
                                   report: (kernel as? any KernelReporting)?.report)
        outcome.keptTransitions = kept
        outcome.tracksAcceptance = kernel is any TransitionReporting
        outcome.treeDepthSaturations = treeDepthSaturations
        outcome.maxTreeDepth = maxTreeDepth
        if energyCount >= 3 && energySquares > 0 {
            outcome.ebfmi = (squaredJumps / Double(energyCount - 1)) / (energySquares / Double(energyCount))
        }
        return (min(recorded, capacity), outcome, moments)
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
