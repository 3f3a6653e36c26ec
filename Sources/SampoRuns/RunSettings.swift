import SampoCore
import SampoDiagnostics
import Dispatch
import Foundation

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
    /// Kept iterations and warm-up iterations per chain when none are given (Stan's 1000 and 1000).
    public static let defaultSteps = 1000, defaultWarmup = 1000
    /// Warm-up adaptation of the step size (and, for Hamiltonian kernels, the metric); nil: none.
    public var adaptation: Adaptation?
    /// An inverse metric every chain of a Hamiltonian sampler starts with (e.g. one adapted by an
    /// earlier run); warm-up then adapts the step size only.
    public var initialMetric: InverseMetric?
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

    /// Draws stored per chain: the kept iterations after thinning (none when draws are not kept).
    public var drawsCapacity: Int { keepDraws ? steps / thin : 0 }

    /// What warm-up adapts: the acceptance statistic aimed for, and the metric.
    public struct Adaptation: Sendable, Equatable {
        public var target: Double
        public var metric: MetricKind
        public var schedule: AdaptationSchedule
        public var lowRank: MetricEstimator.LowRankOptions
        /// Draws between metric refits on the nutpie schedule.
        public var refitEvery: Int
        public init(target: Double, metric: MetricKind = .diag, schedule: AdaptationSchedule = .stan,
                    lowRank: MetricEstimator.LowRankOptions = .init(), refitEvery: Int = 1) {
            self.target = target; self.metric = metric; self.schedule = schedule; self.lowRank = lowRank
            self.refitEvery = refitEvery
        }
    }

    public init(chains: Int = 4, steps: Int = RunSettings.defaultSteps, warmup: Int = RunSettings.defaultWarmup, thin: Int = 1, seed: UInt64 = 1,
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
        case .uniform(let r):
            guard r > 0, r.isFinite else { throw .invalid(.argument("initialization"), "expected a positive finite radius, found \(r)") }
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
