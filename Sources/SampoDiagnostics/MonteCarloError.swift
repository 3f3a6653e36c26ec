import SampoCore
/// Monte Carlo standard errors of the mean and of the standard deviation (ArviZ's formulas).
public enum MonteCarloError {
    /// sd / √ESS(split θ).
    public static func mean(_ chains: [[Double]]) throws(SampoError) -> Double? {
        guard let ess = try EffectiveSampleSize.mean(chains) else { return nil }
        let pooled = chains.flatMap { $0 }
        return standardDeviation(pooled) / ess.squareRoot()
    }

    /// With c = θ − θ̄: E = ESS(split c²), varvar = (mean c⁴ − (mean c²)²)/E, MCSE = √(varvar/(4 mean c²)).
    public static func sd(_ chains: [[Double]]) throws(SampoError) -> Double? {
        let pooled = chains.flatMap { $0 }
        guard !pooled.isEmpty else { return nil }
        let mu = pooled.reduce(0, +) / Double(pooled.count)
        let c2 = chains.map { $0.map { ($0 - mu) * ($0 - mu) } }
        guard let ess = try EffectiveSampleSize.mean(c2) else { return nil }
        let all = c2.flatMap { $0 }
        let ev = all.reduce(0, +) / Double(all.count)
        guard ev > 0 else { return nil }
        let e4 = all.reduce(0) { $0 + $1 * $1 } / Double(all.count)
        return ((e4 - ev * ev) / ess / ev / 4).squareRoot()
    }

    /// The pooled draws' standard deviation (n − 1 in the denominator); NaN below two draws.
    public static func standardDeviation(_ x: [Double]) -> Double {
        guard x.count > 1 else { return .nan }
        let mu = x.reduce(0, +) / Double(x.count)
        return (x.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(x.count - 1)).squareRoot()
    }
}
