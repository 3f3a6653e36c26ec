import SampoCore
/// Monte Carlo standard errors of the mean and of the standard deviation (ArviZ's formulas).
public enum MonteCarloError {
    /// sd / √ESS(split θ).
    public static func mean(_ chains: [[Double]]) throws(SampoError) -> Double? {
        guard let ess = try EffectiveSampleSize.mean(chains) else { return nil }
        let pooled = chains.flatMap { $0 }
        return standardDeviation(pooled) / ess.squareRoot()
    }

    /// The same when the pooled standard deviation is known (no pooled copy of the draws is made).
    static func mean(_ chains: [[Double]], pooledSD: Double) throws(SampoError) -> Double? {
        guard let ess = try EffectiveSampleSize.mean(chains) else { return nil }
        return pooledSD / ess.squareRoot()
    }

    /// With c = θ − θ̄: E = ESS(split c²), varvar = (mean c⁴ − (mean c²)²)/E, MCSE = √(varvar/(4 mean c²)).
    public static func sd(_ chains: [[Double]]) throws(SampoError) -> Double? {
        let pooled = chains.flatMap { $0 }
        guard !pooled.isEmpty else { return nil }
        return try sd(chains, pooledMean: pooled.reduce(0, +) / Double(pooled.count))
    }

    /// The same given the pooled mean; sums run over the chains in order, as over a pooled copy,
    /// so the value is the same bit for bit without the copies.
    static func sd(_ chains: [[Double]], pooledMean mu: Double) throws(SampoError) -> Double? {
        let c2 = chains.map { $0.map { ($0 - mu) * ($0 - mu) } }
        guard let ess = try EffectiveSampleSize.mean(c2) else { return nil }
        var sum = 0.0, sum2 = 0.0, count = 0
        for chain in c2 {
            for v in chain { sum += v }
            count += chain.count
        }
        guard count > 0 else { return nil }
        for chain in c2 { for v in chain { sum2 += v * v } }
        let ev = sum / Double(count)
        guard ev > 0 else { return nil }
        let e4 = sum2 / Double(count)
        let varvar = (e4 - ev * ev) / ess
        return (varvar / ev / 4).squareRoot()
    }

    static func standardDeviation(_ x: [Double]) -> Double {
        guard x.count > 1 else { return .nan }
        let mu = x.reduce(0, +) / Double(x.count)
        return (x.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(x.count - 1)).squareRoot()
    }
}
