import SampoCore
import SampoDiagnostics
import Dispatch
import Foundation

/// Where each chain starts.
public enum Initialization: Sendable, Equatable {
    /// A draw of N(0, I) on the chain's own stream (the default).
    case normal
    /// The origin.
    case zero
    /// The same given point for every chain.
    case point([Double])
    /// One given point per chain.
    case points([[Double]])
}

/// How to run a set of chains.
public struct RunSettings: Sendable, Equatable {
    public var chains: Int
    /// Iterations kept per chain after warm-up (before thinning).
    public var steps: Int
    /// Extra iterations discarded at the start.
    public var warmup: Int
    /// Keep every `thin`-th iteration.
    public var thin: Int
    public var seed: UInt64
    /// Worker threads; results do not depend on it.
    public var jobs: Int
    public var initialization: Initialization
    /// A chain diverges when a coordinate becomes non-finite or reaches this magnitude (a chain at
    /// 1e151 has not converged, whatever its R-hat says); `.infinity` keeps only the finiteness test.
    public var divergenceBound: Double = RunSettings.defaultDivergenceBound
    public static let defaultDivergenceBound = 1e100
    /// Warm-up adaptation of the step size (and, for Hamiltonian kernels, the metric); nil: none.
    public var adaptation: Adaptation?
    /// Record each kept transition's statistics (Stan's sampler columns).
    public var samplerStatistics = false
    /// Oracle calls per chain, warm-up included: after warm-up a chain stops once it has spent
    /// them (at most `steps`), and every chain keeps as many draws as the shortest healthy one.
    /// For samplers whose cost per step varies (NUTS) in budgeted comparisons.
    public var oracleBudget: Int?
    /// Stream every kept draw into per-chain running moments (mean, variance, these quantile
    /// probabilities); nil: none.
    public var momentProbabilities: [Double]?
    /// Keep the draws (false with running moments: memory independent of the steps).
    public var keepDraws = true
    /// Keep them in a file mapping whatever their size (normally only beyond
    /// `DrawsStorage.fileBackedBytes`), so that `--draws --thin` on an image streams to disk.
    public var drawsOnDisk = false

    /// What warm-up adapts: the acceptance statistic aimed for, and the metric.
    public struct Adaptation: Sendable, Equatable {
        public var target: Double
        public var metric: MetricKind
        public init(target: Double, metric: MetricKind = .diag) { self.target = target; self.metric = metric }
    }

    public init(chains: Int = 4, steps: Int = 1000, warmup: Int = 1000, thin: Int = 1, seed: UInt64 = 1,
                jobs: Int = ProcessInfo.processInfo.activeProcessorCount, initialization: Initialization = .normal) {
        self.chains = chains
        self.steps = steps
        self.warmup = warmup
        self.thin = thin
        self.seed = seed
        self.jobs = jobs
        self.initialization = initialization
    }

    /// Checks counts; errors name the flag.
    public func validate(dimension: Int) throws(SampoError) {
        guard chains >= 1 else { throw .invalid(.argument("chains"), "expected at least 1 chain, found \(chains)") }
        guard steps >= 1 else { throw .invalid(.argument("steps"), "expected at least 1 step, found \(steps)") }
        guard warmup >= 0 else { throw .invalid(.argument("warmup"), "expected 0 or more iterations, found \(warmup)") }
        guard thin >= 1 else { throw .invalid(.argument("thin"), "expected 1 or more, found \(thin)") }
        guard jobs >= 1 else { throw .invalid(.argument("jobs"), "expected at least 1 worker, found \(jobs)") }
        guard divergenceBound > 0 else {
            throw .invalid(.argument("divergence bound"), "expected a positive magnitude (or infinity), found \(divergenceBound)")
        }
        guard thin <= steps else {
            throw .invalid(.argument("thin"), "\(thin) keeps no draw of \(steps) steps (thin must not exceed steps)")
        }
        guard !warmup.addingReportingOverflow(steps).overflow else {
            throw .invalid(.argument("warmup"), "warmup + steps overflows (\(warmup) + \(steps))")
        }
        if keepDraws {
            try MemoryLimit.check(doubles: [chains, steps / thin, dimension], for: .argument("chains"),
                                  what: "the draws (chains × steps / thin × dimension = \(chains) × \(steps / thin) × \(dimension))")
        } else if momentProbabilities == nil {
            throw .invalid(.argument("keepDraws"), "a run that keeps no draws needs running moments")
        }
        if let probabilities = momentProbabilities {
            guard probabilities.allSatisfy({ $0 > 0 && $0 < 1 }) else {
                throw .invalid(.argument("quantiles"), "expected probabilities strictly between 0 and 1, found \(probabilities)")
            }
            try MemoryLimit.check(doubles: [chains, dimension, 2 + 10 * probabilities.count], for: .argument("chains"),
                                  what: "the running moments (chains × dimension × (2 + 10 × quantiles))")
        }
        if samplerStatistics {
            try MemoryLimit.check(doubles: [chains, steps / thin, TransitionStatistics.columns.count], for: .argument("samplerStatistics"),
                                  what: "the sampler statistics (chains × steps / thin × 6)")
        }
        if let a = adaptation, !(a.target > 0 && a.target < 1) {
            throw .invalid(.argument("adaptation"), "expected an acceptance statistic strictly between 0 and 1, found \(a.target)")
        }
        switch initialization {
        case .normal, .zero: break
        case .point(let x): try Self.check(start: x, dimension: dimension, chain: nil)
        case .points(let xs):
            guard xs.count == chains else {
                throw .invalid(.argument("initialization"), "expected one starting point per chain (\(chains)), found \(xs.count)")
            }
            for (c, x) in xs.enumerated() { try Self.check(start: x, dimension: dimension, chain: c) }
        }
    }
}

extension RunSettings {
    static func check(start x: [Double], dimension: Int, chain: Int?) throws(SampoError) {
        let which = chain.map { " for chain \($0 + 1)" } ?? ""
        guard x.count == dimension else {
            throw .invalid(.argument("initialization"), "expected a point of dimension \(dimension)\(which), found \(x.count) coordinates")
        }
        guard x.allSatisfy(\.isFinite) else {
            throw .invalid(.argument("initialization"), "expected finite coordinates\(which), found \(x)")
        }
    }
}

/// The outcome of one chain.
public struct ChainOutcome: Sendable, Equatable {
    /// Fraction of accepted proposals over the kept iterations (warm-up excluded); for
    /// Hamiltonian kernels the mean acceptance statistic (Stan's `accept_stat__`).
    public var acceptanceRate: Double
    public var counts: OracleCounts
    /// The iteration (1-based, warm-up included) at which the state became non-finite or left the
    /// divergence bound.
    public var divergedAt: Int?
    /// Metropolis proposals whose acceptance ratio was NaN (the density is NaN where they landed).
    public var nanProposals = 0
    /// The step size warm-up adapted (nil without adaptation).
    public var adaptedStepSize: Double?
    /// The inverse metric warm-up adapted (Hamiltonian kernels).
    public var inverseMetric: InverseMetric?
    /// Kept transitions whose energy error exceeded the threshold (Hamiltonian kernels; Stan's
    /// `divergent__`). Unrelated to `divergedAt`, a chain that left the finite range.
    public var divergentTransitions = 0
    /// Facts the kernel reports about its run (parallel tempering: schedule, barrier, swap
    /// acceptance, round trips, log Z).
    public var report: [String: [Double]] = [:]
}

/// Draws and per-chain outcomes of a run.
public struct ChainRun: Sendable {
    public var settings: RunSettings
    public var draws: Draws
    public var outcomes: [ChainOutcome]
    public var wallSeconds: Double
    /// With `samplerStatistics`: chains × capacity × 6 values in the order of
    /// `TransitionStatistics.columns`, for the kept draws.
    public var statistics: [Double]?
    /// With `momentProbabilities`: the running moments of the chains that did not diverge, merged
    /// in chain order (nil when every chain diverged).
    public var moments: RunningMoments?

    public var divergedChains: [Int] { outcomes.indices.filter { outcomes[$0].divergedAt != nil } }
    public var totalCounts: OracleCounts {
        outcomes.reduce(into: OracleCounts()) {
            $0.gradientEvaluations += $1.counts.gradientEvaluations
            $0.densityEvaluations += $1.counts.densityEvaluations
        }
    }
}

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
        var start = [Double](repeating: 0, count: d)
        switch settings.initialization {
        case .normal: for j in 0..<d { start[j] = rng.normal() }
        case .zero: break
        case .point(let x): start = x
        case .points(let xs): start = xs[chain]
        }
        let startLogDensity = start.withUnsafeBufferPointer { kernel.reset(to: $0.baseAddress!) }
        guard startLogDensity.isFinite else { throw .nonFiniteStart(chain: chain, logDensity: startLogDensity) }
        var accepted = 0
        var recorded = 0
        var divergedAt: Int?
        let total = settings.warmup + settings.steps
        var iteration = 0
        var sinceKept = 0
        var adaptedStepSize: Double?, inverseMetric: InverseMetric?
        if let adaptation = settings.adaptation, settings.warmup > 0 {
            guard let adaptable = kernel as? any StepSizeAdaptable else {
                throw .invalid(.argument("adaptation"), "this sampler cannot adapt its step size (adaptation needs a Metropolis-adjusted or Hamiltonian sampler)")
            }
            var warmup = WarmupAdaptation(kernel: adaptable, warmup: settings.warmup, target: adaptation.target,
                                          metric: adaptation.metric, rng: rng)
            while iteration < settings.warmup {
                iteration += 1
                _ = kernel.step(rng: rng)
                if !kernel.positionIsWithin(settings.divergenceBound) { divergedAt = iteration; break }
                warmup.afterTransition()
            }
            adaptedStepSize = warmup.finish()
            inverseMetric = (kernel as? any MetricAdaptable)?.inverseMetric
        }
        // Hamiltonian kernels report divergent transitions; statistics are read only when asked.
        let hamiltonian = kernel as? any MetricAdaptable
        let reporting = statistics == nil ? nil : kernel as? any TransitionReporting
        if statistics != nil && reporting == nil {
            throw .invalid(.argument("samplerStatistics"), "this sampler records no per-transition statistics (Metropolis-adjusted and Hamiltonian samplers do)")
        }
        var divergentTransitions = 0, acceptStatistics = 0.0
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
                    acceptStatistics += t.acceptStatistic
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
        let outcome = ChainOutcome(acceptanceRate: kept > 0 ? acceptance / Double(kept) : 0,
                                   counts: kernel.counts, divergedAt: divergedAt, nanProposals: kernel.nanProposals,
                                   adaptedStepSize: adaptedStepSize, inverseMetric: inverseMetric,
                                   divergentTransitions: divergentTransitions,
                                   report: (kernel as? any KernelReporting)?.report ?? [:])
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
