/// What `Sampo.sample` returns: the draws with per-chain (or per-run) outcomes, and summaries.
public struct SampledRun: Sendable {
    public let target: NamedTarget
    public let sampler: SamplerChoice
    /// chains × draws × dimension (population samplers: runs × particles × dimension).
    public let draws: Draws
    /// The Markov chains' outcomes (acceptance, counts, divergence); nil for population samplers.
    public let chains: ChainRun?
    /// The population runs (log Ẑ, schedules, failures); nil for Markov samplers.
    public let population: PopulationJob.Result?
    /// The draws' column names: the target's parameters, or for a Stan model `lp__` and its
    /// constrained values (``/SampoCore/ReportedCoordinates``).
    public var names: [String] { (target.density as? any ReportedCoordinates)?.reportedNames ?? target.parameterNames }

    /// Chains (or runs) that diverged or failed, numbered from 0.
    public var failedChains: [Int] {
        chains?.divergedChains ?? population?.failedRuns ?? []
    }

    /// Evaluations made, with finite-difference gradients charged at their density calls.
    public var counts: OracleCounts { chains?.totalCounts ?? population?.totalCounts ?? OracleCounts() }

    /// Each chain's per-transition statistics (kept transitions), when the run was asked for them
    /// (`samplerStatistics: true`); nil otherwise.
    public var samplerStatistics: [SamplerStatistics]? {
        guard let chains, let flat = chains.statistics else { return nil }
        let width = TransitionStatistics.columns.count, capacity = draws.capacity
        return (0..<draws.chains).map { c in
            let n = draws.recorded[c], base = c * capacity * width
            func column(_ k: Int) -> [Double] { (0..<n).map { flat[base + $0 * width + k] } }
            return SamplerStatistics(acceptStatistic: column(0), stepSize: column(1), treeDepth: column(2).map { Int($0) },
                                     leapfrogSteps: column(3).map { Int($0) }, divergent: column(4).map { $0 != 0 }, energy: column(5))
        }
    }

    /// log Ẑ wherever the sampler estimates it: SMC and rdMC runs, and parallel tempering's chains
    /// (stepping stones), combined over the healthy runs or chains as ``/SampoRuns/LogNormalizerEstimate`` says
    /// (the log of the mean of Ẑ). nil for samplers that do not estimate it.
    public var logZ: Double? { logZEstimate?.logZ }

    /// The standard error of ``logZ``: between runs or chains when there are two or more, else the
    /// single run's own (nil when there is none).
    public var logZStandardError: Double? { logZEstimate?.standardError }

    /// The estimate behind ``logZ``: how many runs or chains, how its error was made, and whether
    /// they agree.
    public var logZEstimate: LogNormalizerEstimate? {
        if let population { return population.logZEstimate }
        guard let chains else { return nil }
        let failed = Set(failedChains)
        return LogNormalizerEstimate(outcomes: chains.outcomes.indices.filter { !failed.contains($0) }.map { chains.outcomes[$0] })
    }

    /// The summary over the chains that did not diverge (ESS, R-hat, MCSE, quantiles); `skippedChains`
    /// says which were left out. Throws when nothing is left.
    public func summary(names: [String]? = nil) throws(SampoError) -> RunSummary {
        let failed = Set(failedChains)
        let used = (0..<draws.chains).filter { !failed.contains($0) && draws.recorded[$0] > 0 }
        guard !used.isEmpty else { throw .allChainsDiverged(chains: draws.chains) }
        // Markov chains are summarised with ESS and R-hat across chains; population runs with
        // standard errors between the runs (their particles are not a Markov chain).
        let given = names ?? self.names
        let rows = population == nil ? try DrawsSummary.summarize(draws, names: given, chains: used)
            : try PopulationSummary.summarize(draws, names: given, runs: used)
        // Stan's sampler warnings from the chains, ArviZ's R-hat and ESS checks from these rows
        // (not for population runs: their ESS is sd²/MCSE² between runs, not a Markov chain's).
        var warnings = chains.map { RunWarning.chainWarnings($0.outcomes) } ?? []
        if population == nil {
            warnings += RunWarning.explodingChains(draws, chains: used) + RunWarning.convergenceWarnings(rows, chains: used.count)
        }
        return RunSummary(parameters: rows, chains: used, skippedChains: failed.sorted(), warnings: warnings)
    }

    /// What may make this run's results wrong without looking wrong, each typed (``/SampoRuns/RunWarning``:
    /// kind, chain, parameter, value, threshold) with a sentence: Stan's sampler warnings (divergent
    /// transitions, saturated tree depth, low E-BFMI), R-hat > 1.01 and bulk or tail ESS below 100
    /// per chain, chains that did not move or diverged, chains or runs that disagree about log Ẑ or
    /// the modes' weights beyond their own errors, and (for targets whose mode weights or log Z are
    /// known) estimates outside their errors of the truth. Empty when nothing was found. Computes
    /// the quality and the summaries (one pass over the draws each).
    public var warnings: [RunWarning] {
        let q = quality(distances: false).warnings
        if let population { return population.warnings(for: target) + q }
        return q
    }

    /// Distances to the target where they apply (known moments, exact draws, mixture modes).
    public func quality(distances: Bool = true) -> SampleQuality {
        if let chains { return SampleQuality(run: chains, target: target, distances: distances) }
        let ok = (0..<draws.chains).filter { !failedChains.contains($0) }
        return SampleQuality(draws: draws, chains: ok, target: target, distances: distances)
    }
}

/// Per-parameter summaries of a run and which chains they are over.
public struct RunSummary: Sendable, Equatable {
    public let parameters: [ParameterSummary]
    /// The chains summarised (numbered from 0).
    public let chains: [Int]
    /// Chains left out because they diverged or failed.
    public let skippedChains: [Int]
    /// What may make these numbers wrong: Stan's sampler warnings for the chains, and R-hat > 1.01
    /// or bulk/tail ESS below 100 per chain for the parameters (Markov runs).
    public let warnings: [RunWarning]

    public init(parameters: [ParameterSummary], chains: [Int], skippedChains: [Int], warnings: [RunWarning] = []) {
        self.parameters = parameters; self.chains = chains; self.skippedChains = skippedChains; self.warnings = warnings
    }

    /// What to read before the numbers — chains left out, and the warnings, one per line — or nil
    /// when every chain was used and nothing was found.
    public var note: String? {
        var lines = skippedChains.isEmpty ? []
            : ["summary over \(chains.count) chains; left out diverged chain(s) " + skippedChains.map { "\($0 + 1)" }.joined(separator: ", ")]
        lines += RunWarning.lines(warnings).map { "warning: " + $0 }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }

    /// The summary of the parameter called `name` (`x1`, … by default).
    public subscript(name: String) -> ParameterSummary? { parameters.first { $0.parameter == name } }
}

/// One chain's per-transition statistics, one entry per kept draw, with the meanings of Stan's
/// sampler columns (`accept_stat__`, `stepsize__`, `treedepth__`, `n_leapfrog__`, `divergent__`,
/// `energy__`; ``/SampoCore/TransitionStatistics``).
public struct SamplerStatistics: Sendable, Equatable {
    public let acceptStatistic: [Double]
    public let stepSize: [Double]
    /// NUTS: trajectory doublings; 0 for other kernels.
    public let treeDepth: [Int]
    public let leapfrogSteps: [Int]
    public let divergent: [Bool]
    /// Hamiltonian kernels: H at the new state; Metropolis kernels: −log π there.
    public let energy: [Double]
}
