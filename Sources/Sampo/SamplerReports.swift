import SampoCore
import SampoRuns

/// What one SMC run reports beyond its particles.
public struct SMCReport: Sendable, Equatable {
    /// The adaptive temperatures λ₀ = 0 < … < 1.
    public var temperatures: [Double]
    /// The incremental weights' ESS at each stage (1/Σwᵢ², before resampling).
    public var essPerStage: [Double]
    /// The moves' acceptance rate at each stage.
    public var acceptancePerStage: [Double]
    /// log Ẑ, and its single-run standard error from the genealogy where it holds (multinomial
    /// resampling, not waste-free); nil for a failed run.
    public var logZ: Double?
    public var logZStandardError: Double?
    public var counts: OracleCounts
    /// Why the run stopped early, if it did.
    public var failure: String?
    /// What makes this run's results doubtful (weight degeneracy).
    public var warnings: [String]

    init(_ run: PopulationRun) {
        temperatures = run.schedule; essPerStage = run.essPerStage; acceptancePerStage = run.acceptancePerStage
        logZ = run.logZ; logZStandardError = run.logZVariance.map { $0.squareRoot() }
        counts = run.counts; failure = run.failure; warnings = run.warnings
    }
}

/// What one reverse diffusion Monte Carlo run reports beyond its particles.
public struct RDMCReport: Sendable, Equatable {
    /// The outer time grid of the reverse process.
    public var timeGrid: [Double]
    /// The importance-sampling ESS of the score estimates at each outer step (empty for the `ula`
    /// estimator, which has no weights).
    public var scoreQuality: [ScoreQuality]
    public var counts: OracleCounts
    public var failure: String?
    /// What makes this run's results doubtful (too few effective samples for the score).
    public var warnings: [String]

    init(_ run: PopulationRun) {
        timeGrid = run.schedule; scoreQuality = run.scoreQuality
        counts = run.counts; failure = run.failure; warnings = run.warnings
    }
}

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
