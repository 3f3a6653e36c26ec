import Foundation

/// The Metropolis–Hastings accept step every adjusted kernel uses (MALA, RWM, MYMALA, P-MALA,
/// the SMC moves), so they all consume the random stream by one rule: a uniform u is drawn
/// exactly when the acceptance probability α = min(1, e^{log α}) lies strictly between 0 and 1,
/// and the move is accepted when log u < log α. log α ≥ 0 accepts and log α = −∞ rejects without
/// a draw; a NaN log α (a proposal where the density is NaN) rejects without a draw and is
/// counted, so a density that is NaN on part of the space is reported rather than silently
/// truncating the target.
public struct MetropolisHastings: Sendable {
    /// Proposals whose log acceptance ratio was NaN.
    public internal(set) var nanProposals = 0
    /// log α of the last proposal (NaN counts as −∞), for the acceptance statistic.
    public internal(set) var lastLogAlpha = 0.0

    public init() {}

    @inlinable @inline(__always)
    public static func accept<N: NoiseSource>(logAlpha: Double, noise: N) -> Bool {
        if logAlpha >= 0 { return true }
        guard logAlpha > -.infinity else { return false }   // −∞ and NaN
        return log(noise.uniformPositive()) < logAlpha
    }

    /// The acceptance probability min(1, e^{log α}) (0 for −∞ and NaN): the acceptance statistic
    /// of every adjusted kernel, which warm-up and tempering adapt step sizes with.
    @inlinable @inline(__always)
    public static func probability(logAlpha a: Double) -> Double {
        a >= 0 ? 1 : (a > -.infinity ? exp(a) : 0)
    }

    /// `accept(logAlpha:noise:)`, counting NaN ratios.
    @inline(__always)
    public mutating func accept<N: NoiseSource>(logAlpha: Double, noise: N) -> Bool {
        if logAlpha.isNaN { nanProposals += 1 }
        lastLogAlpha = logAlpha
        return Self.accept(logAlpha: logAlpha, noise: noise)
    }
}
