import Foundation

/// log Ẑ from independent estimates Ẑ_1 … Ẑ_R (SMC runs, PT chains): the log of their mean (Ẑ̄
/// is unbiased when each Ẑ_r is), and its standard error between runs by the delta method,
/// SE(log Ẑ̄) ≈ sd(Ẑ_r) / (√R · Ẑ̄), computed relative to the largest so nothing overflows.
public struct LogNormalizerEstimate: Sendable, Equatable {
    public let logZ: Double
    /// nil with a single estimate.
    public let standardError: Double?
    public let runs: Int

    /// nil when there is no finite estimate.
    public init?(_ logZs: [Double]) {
        let z = logZs.filter(\.isFinite)
        guard let m = z.max() else { return nil }
        let w = z.map { exp($0 - m) }
        let mean = w.reduce(0, +) / Double(w.count)
        logZ = m + log(mean)
        runs = z.count
        if z.count >= 2 {
            let variance = w.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(w.count - 1)
            standardError = variance.squareRoot() / (Double(w.count).squareRoot() * mean)
        } else {
            standardError = nil
        }
    }
}
