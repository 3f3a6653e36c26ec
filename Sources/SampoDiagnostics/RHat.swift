/// Potential scale reduction R̂ (Vehtari et al. 2021).
public enum RHat {
    /// Classic R̂ on chains of equal length N′: √(((N′−1)/N′·W + B/N′)/W). nil if undefined
    /// (fewer than 2 chains or 2 draws, or no within-chain variance).
    public static func basic(_ chains: [[Double]]) -> Double? {
        let m = chains.count
        guard m >= 2, let n = chains.first?.count, n >= 2, chains.allSatisfy({ $0.count == n }) else { return nil }
        let nd = Double(n)
        let means = chains.map { $0.reduce(0, +) / nd }
        let vars = zip(chains, means).map { c, mu in c.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / (nd - 1) }
        let grand = means.reduce(0, +) / Double(m)
        let b = nd * means.reduce(0) { $0 + ($1 - grand) * ($1 - grand) } / Double(m - 1)
        let w = vars.reduce(0, +) / Double(m)
        guard w > 0 else { return nil }
        let r = ((b / w + nd - 1) / nd).squareRoot()
        return r.isFinite ? r : nil
    }

    /// Rank-normalised split R̂: max of bulk R̂(z(split θ)) and tail R̂(z(split |θ − median|)).
    /// With one chain this is the R̂ of its two halves (as Stan reports; ArviZ gives NaN there).
    public static func rank(_ chains: [[Double]]) -> Double? {
        guard EffectiveSampleSize.valid(chains) else { return nil }
        return rank(rankNormalizedSplit: RankNormalization.zScale(SplitChains.split(chains)),
                    folded: RankNormalization.fold(chains))
    }

    /// Rank-normalised split R̂ from the rank-normalised split chains (shared with bulk-ESS) and
    /// the folded chains |θ − median|.
    public static func rank(rankNormalizedSplit z: [[Double]], folded: [[Double]]) -> Double? {
        guard let bulk = basic(z), let tail = basic(RankNormalization.zScale(SplitChains.split(folded))) else {
            return nil
        }
        return max(bulk, tail)
    }
}
