import SampoCore
import SampoRuns

extension SampledRun {
    /// Parallel tempering: each chain's report (tuned schedule and step sizes, barrier Λ, round
    /// trips, swap acceptance, log Ẑ by stepping stones); nil for other samplers.
    public var temperingReports: [TemperingReport]? {
        guard let chains else { return nil }
        let reports = chains.outcomes.compactMap { $0.report?.tempering }
        return reports.count == chains.outcomes.count && !reports.isEmpty ? reports : nil
    }

    /// SMC: each run's report (temperatures, ESS and acceptance per stage, log Ẑ); nil for other samplers.
    public var smcReports: [SMCReport]? {
        guard let population, sampler.name == "smc" else { return nil }
        return population.runs.map(SMCReport.init)
    }

    /// rdMC: each run's report (time grid, score ESS per step); nil for other samplers.
    public var rdmcReports: [RDMCReport]? {
        guard let population, sampler.name == "rdmc" else { return nil }
        return population.runs.map(RDMCReport.init)
    }
}
