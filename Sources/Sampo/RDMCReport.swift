import SampoCore
import SampoRuns

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
