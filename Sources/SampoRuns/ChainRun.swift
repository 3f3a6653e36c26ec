import SampoCore
import SampoDiagnostics
import Dispatch
import Foundation

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
