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
    /// constrained values (``ReportedCoordinates``).
    public var names: [String] { (target.density as? any ReportedCoordinates)?.reportedNames ?? target.parameterNames }

    /// Chains (or runs) that diverged or failed, numbered from 0.
    public var failedChains: [Int] {
        chains?.divergedChains ?? population?.failedRuns ?? []
    }

    /// Evaluations made, with finite-difference gradients charged at their density calls.
    public var counts: OracleCounts { chains?.totalCounts ?? population?.totalCounts ?? OracleCounts() }

    /// log Ẑ (population samplers that estimate it).
    public var logZ: Double? { population?.logZ }

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
        return RunSummary(parameters: rows, chains: used, skippedChains: failed.sorted())
    }

    /// What may make this run's results wrong without looking wrong, each a sentence: chains or runs
    /// that disagree about log Ẑ or the modes' weights beyond their own errors, and (for targets whose
    /// mode weights or log Z are known) estimates outside their errors of the truth. Empty when
    /// nothing was found. Computes the quality (one pass over the draws).
    public var warnings: [String] {
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

    /// A line for a report, or nil when every chain was used.
    public var note: String? {
        skippedChains.isEmpty ? nil
            : "summary over \(chains.count) chains; left out diverged chain(s) " + skippedChains.map { "\($0 + 1)" }.joined(separator: ", ")
    }

    /// The summary of the parameter called `name` (`x1`, … by default).
    public subscript(name: String) -> ParameterSummary? { parameters.first { $0.parameter == name } }
}
