/// What one chain of parallel tempering reports: the tuned schedule and step sizes, the
/// communication barrier Λ, round trips, the swap acceptance of each adjacent pair (NaN for a pair
/// never tried), the warm-up rounds, and log Ẑ by stepping stones with its batch-means standard error.
public struct TemperingReport: Sendable, Equatable {
    public var schedule: [Double]
    public var stepSizes: [Double]
    public var barrier: Double
    public var roundTrips: Int
    public var swapAcceptance: [Double]
    public var tuningRounds: Int
    public var logZ: Double?
    public var logZStandardError: Double?

    /// The JSON form (keys as in the run report's `kernel_reports`).
    public var entries: [String: [Double]] {
        var out: [String: [Double]] = [
            "schedule": schedule, "step_sizes": stepSizes, "barrier": [barrier], "round_trips": [Double(roundTrips)],
            "swap_acceptance": swapAcceptance, "tuning_rounds": [Double(tuningRounds)],
        ]
        if let z = logZ { out["log_z"] = [z] }
        if let se = logZStandardError { out["log_z_se"] = [se] }
        return out
    }
}
