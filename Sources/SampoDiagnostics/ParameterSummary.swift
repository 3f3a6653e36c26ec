import SampoCore
/// The summary row of one parameter over chains of equal length: the columns of the summary CSV.
/// A statistic that is undefined for the input (e.g. R-hat of a constant) is nil.
public struct ParameterSummary: Sendable, Equatable {
    public var parameter: String
    public var mean: Double
    public var sd: Double?
    public var mcseMean: Double?
    public var mcseSD: Double?
    public var q05: Double
    public var q50: Double
    public var q95: Double
    public var essBulk: Double?
    public var essTail: Double?
    public var rhat: Double?

    public static let columns = ["parameter", "mean", "sd", "mcse_mean", "mcse_sd", "q05", "q50", "q95",
                                 "ess_bulk", "ess_tail", "rhat"]

    /// Summarises one parameter. Chains must have equal lengths and finite values; errors say
    /// which chain breaks the rule.
    public init(parameter: String, chains: [[Double]]) throws(SampoError) {
        guard let n = chains.first?.count, n > 0 else {
            throw .usage("parameter '\(parameter)': no draws")
        }
        if let bad = chains.firstIndex(where: { $0.count != n }) {
            throw .usage("parameter '\(parameter)': chains have different lengths (chain 1 has \(n) draws, chain \(bad + 1) has \(chains[bad].count))")
        }
        for (c, chain) in chains.enumerated() {
            if let i = chain.firstIndex(where: { !$0.isFinite }) {
                throw .usage("parameter '\(parameter)': chain \(c + 1), draw \(i + 1) is \(chain[i]) (expected a finite number)")
            }
        }
        self.parameter = parameter
        let pooled = chains.flatMap { $0 }
        mean = pooled.reduce(0, +) / Double(pooled.count)
        let s = MonteCarloError.standardDeviation(pooled)
        sd = s.isFinite ? s : nil
        let q = Quantiles.fromSorted(RadixSort.sorted(pooled), probabilities: [0.05, 0.5, 0.95])
        q05 = q[0]; q50 = q[1]; q95 = q[2]
        mcseMean = try MonteCarloError.mean(chains)
        mcseSD = try MonteCarloError.sd(chains)
        // The same quantities as EffectiveSampleSize.bulk/tail and RHat.rank, sharing the
        // rank-normalised split chains and the quantiles instead of recomputing them.
        guard EffectiveSampleSize.valid(chains) else { return }
        let zSplit = RankNormalization.zScale(SplitChains.split(chains))
        essBulk = try EffectiveSampleSize.geyer(zSplit)
        var tail: Double?
        for qp in [q05, q95] {
            let indicator = chains.map { $0.map { $0 <= qp ? 1.0 : 0.0 } }
            guard let e = try EffectiveSampleSize.geyer(SplitChains.split(indicator)) else { tail = nil; break }
            tail = min(tail ?? e, e)
        }
        essTail = tail
        let folded = chains.map { $0.map { abs($0 - q50) } }
        if let bulk = RHat.basic(zSplit),
           let tailR = RHat.basic(RankNormalization.zScale(SplitChains.split(folded))) {
            rhat = max(bulk, tailR)
        }
    }

    /// The row's values in `columns` order after `parameter` (nil = undefined).
    public var values: [Double?] { [mean, sd, mcseMean, mcseSD, q05, q50, q95, essBulk, essTail, rhat] }
}

/// Summaries of every coordinate of a set of draws, using the chains that did not diverge.
public enum DrawsSummary {
    public static func summarize(_ draws: Draws, names: [String]? = nil,
                                 chains selected: [Int]? = nil) throws(SampoError) -> [ParameterSummary] {
        let chains = selected ?? Array(0..<draws.chains)
        return try summarize(count: draws.dimension) { j in
            (names?[j] ?? "x\(j + 1)", chains.map { draws.series(chain: $0, coordinate: j) })
        }
    }

    /// Summaries of `count` parameters, computed in parallel (one parameter per task); the
    /// result does not depend on the number of cores. The first error (by parameter) is thrown.
    public static func summarize(count: Int,
                                 parameter: @Sendable (Int) -> (String, [[Double]])) throws(SampoError) -> [ParameterSummary] {
        let results = Parallel.map(count: count) { j in
            let (name, chains) = parameter(j)
            return Result { () throws(SampoError) in try ParameterSummary(parameter: name, chains: chains) }
        }
        var out: [ParameterSummary] = []
        for r in results { out.append(try r.get()) }
        return out
    }
}
