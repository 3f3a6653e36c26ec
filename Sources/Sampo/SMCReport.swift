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
