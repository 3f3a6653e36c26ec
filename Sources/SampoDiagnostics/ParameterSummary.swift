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
    /// `errorMethod` says what this is: Markov chains' rank-normalised bulk ESS (Vehtari et al.
    /// 2021), or for population runs the sample size their between-run error implies, sd²/MCSE².
    public var essBulk: Double?
    public var essTail: Double?
    public var rhat: Double?
    /// How the MCSEs and `essBulk` were estimated.
    public var errorMethod: ErrorMethod = .markovChains

    public enum ErrorMethod: String, Sendable, Equatable {
        /// From the chains' autocorrelations (Stan's and ArviZ's ESS and MCSE).
        case markovChains = "markov-chains"
        /// From the spread between independent population runs (SMC, rdMC): MCSE = sd(run means)/√R,
        /// `essBulk` = sd²/MCSE², no tail ESS. Not an MCMC ESS.
        case betweenRuns = "between-runs"
    }

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
        // Statistics are computed on the draws scaled by a power of two (exact) so that the largest
        // is near 1: sums of values near ±1e308 do not overflow and squares of values near 1e-320 do
        // not underflow. ESS and R-hat do not depend on the scale; the rest is scaled back.
        let scale = Self.powerOfTwoScale(chains)
        guard scale == 1 else {
            self = try ParameterSummary(parameter: parameter, chains: chains.map { $0.map { $0 * scale } })
            scaleBack(scale)
            return
        }
        // The pooled copy lives only for the moments and quantiles, not through the ESS computations.
        let (pooledMean, s, q) = { () -> (Double, Double, [Double]) in
            let pooled = chains.flatMap { $0 }
            let q = Quantiles.fromSorted(RadixSort.sorted(pooled), probabilities: [0.05, 0.5, 0.95])
            return (pooled.reduce(0, +) / Double(pooled.count), MonteCarloError.standardDeviation(pooled), q)
        }()
        mean = pooledMean
        sd = s.isFinite ? s : nil
        q05 = q[0]; q50 = q[1]; q95 = q[2]
        mcseMean = try MonteCarloError.mean(chains, pooledSD: s)
        mcseSD = try MonteCarloError.sd(chains, pooledMean: pooledMean)
        // EffectiveSampleSize.bulk/tail and RHat.rank, sharing the rank-normalised split chains
        // and the quantiles instead of recomputing them.
        guard EffectiveSampleSize.valid(chains) else { return }
        let zSplit = RankNormalization.zScale(SplitChains.split(chains))
        essBulk = try EffectiveSampleSize.bulk(rankNormalizedSplit: zSplit)
        essTail = try EffectiveSampleSize.tail(chains, q05: q05, q95: q95)
        rhat = RHat.rank(rankNormalizedSplit: zSplit, folded: chains.map { $0.map { abs($0 - q50) } })
    }

    /// 2^k that brings the largest |value| into [1, 2) (k limited so the factor is a normal double);
    /// 1 when the values are already in a safe range or all zero.
    static func powerOfTwoScale(_ chains: [[Double]]) -> Double {
        var largest = 0.0
        for chain in chains { for x in chain { largest = max(largest, abs(x)) } }
        return powerOfTwoScale(largest: largest)
    }

    /// The same from the largest |value|.
    static func powerOfTwoScale(largest: Double) -> Double {
        guard largest > 0, largest > 0x1p100 || largest < 0x1p-100 else { return 1 }
        let k = min(max(-Int(largest.exponent), -1022), 1022)
        return Double(sign: .plus, exponent: k, significand: 1)
    }

    /// Undoes `scale` on a summary computed from scaled draws (ESS and R-hat do not depend on it).
    mutating func scaleBack(_ scale: Double) {
        let back = 1 / scale
        mean *= back; q05 *= back; q50 *= back; q95 *= back
        sd = sd.map { $0 * back }.flatMap { $0.isFinite ? $0 : nil }
        mcseMean = mcseMean.map { $0 * back }.flatMap { $0.isFinite ? $0 : nil }
        mcseSD = mcseSD.map { $0 * back }.flatMap { $0.isFinite ? $0 : nil }
    }

    /// The row's values in `columns` order after `parameter` (nil = undefined).
    public var values: [Double?] { [mean, sd, mcseMean, mcseSD, q05, q50, q95, essBulk, essTail, rhat] }
}

/// Summaries of every coordinate of a set of draws.
public enum DrawsSummary {
    /// Above this many draws per parameter, parameters are summarised one at a time and in bounded
    /// memory (`ParameterSummary(parameter:series:)`): the in-memory computation holds several
    /// copies of its parameter's draws, and long runs must not hold them at all.
    public static let sequentialAbove = 4_000_000

    /// The chains that hold all their draws: a chain that diverged stopped early and is left out
    /// (its draws are not from the same run length, and its last states are suspect).
    public static func completeChains(_ draws: Draws) -> [Int] {
        (0..<draws.chains).filter { draws.recorded[$0] == draws.capacity && draws.capacity > 0 }
    }

    /// Summaries over `chains` (default: `completeChains(draws)`); throws when no chain is left.
    public static func summarize(_ draws: Draws, names: [String]? = nil,
                                 chains selected: [Int]? = nil) throws(SampoError) -> [ParameterSummary] {
        let chains = selected ?? completeChains(draws)
        guard !chains.isEmpty else { throw .runtime("no chain holds all its draws (every chain diverged); nothing to summarise") }
        let perParameter = chains.reduce(0) { $0 + draws.recorded[$1] }
        if perParameter > sequentialAbove, chains.allSatisfy({ draws.recorded[$0] == draws.capacity }) {
            var out: [ParameterSummary] = []
            for j in 0..<draws.dimension {
                out.append(try ParameterSummary(parameter: names?[j] ?? "x\(j + 1)",
                                                series: ParameterSeries(draws: draws, chains: chains, coordinate: j)))
            }
            return out
        }
        guard perParameter <= sequentialAbove else {
            return try summarize(count: draws.dimension, inParallel: false) { j in
                (names?[j] ?? "x\(j + 1)", chains.map { draws.series(chain: $0, coordinate: j) })
            }
        }
        // Columns are gathered for a block of parameters per pass over the draws: an image's
        // 65 536 pixels read one by one would touch every row of a file-backed run 65 536 times. (Memory: one block of columns, 16 MB.)
        let d = draws.dimension, width = max(1, min(d, transposeBlockValues / max(perParameter, 1)))
        var out: [ParameterSummary] = []
        out.reserveCapacity(d)
        for first in stride(from: 0, to: d, by: width) {
            let block = first..<min(first + width, d)
            var columns = [[[Double]]](repeating: [], count: block.count)
            for c in chains {
                for k in block.indices { columns[k - first].append([]); columns[k - first][columns[k - first].count - 1].reserveCapacity(draws.recorded[c]) }
                let last = columns[0].count - 1
                draws.forEachBlock(chain: c) { rows in
                    for row in stride(from: 0, to: rows.count, by: d) {
                        for j in block { columns[j - first][last].append(rows[row + j]) }
                    }
                }
            }
            let gathered = columns
            out += try summarize(count: block.count) { k in (names?[first + k] ?? "x\(first + k + 1)", gathered[k]) }
        }
        return out
    }

    /// Values gathered per pass when summarising wide draws (16 MB).
    static let transposeBlockValues = 1 << 21

    /// Summaries of `count` parameters, computed in parallel (one parameter per task); the
    /// result does not depend on the number of cores. The first error (by parameter) is thrown.
    public static func summarize(count: Int, inParallel: Bool = true,
                                 parameter: @Sendable (Int) -> (String, [[Double]])) throws(SampoError) -> [ParameterSummary] {
        let one: @Sendable (Int) -> Result<ParameterSummary, SampoError> = { j in
            let (name, chains) = parameter(j)
            return Result { () throws(SampoError) in
                // Long chains of equal length: the bounded-memory computation (same statistics).
                if !inParallel, let n = chains.first?.count, chains.allSatisfy({ $0.count == n }) {
                    return try ParameterSummary(parameter: name, series: ParameterSeries(chains))
                }
                return try ParameterSummary(parameter: name, chains: chains)
            }
        }
        let results = inParallel ? Parallel.map(count: count, one) : (0..<count).map(one)
        var out: [ParameterSummary] = []
        for r in results { out.append(try r.get()) }
        return out
    }
}
