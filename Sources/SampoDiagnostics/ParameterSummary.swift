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
        // One computation for arrays and long runs: the bounded-memory one reads the arrays through a
        // view (it is also the faster: pointer loops and blocked leading lags, in release and in
        // debug builds alike). Its statistics are those of the textbook composition of
        // `EffectiveSampleSize`, `RHat.rank` and `MonteCarloError` (LongRunSummaryTests).
        self = try ParameterSummary(parameter: parameter, series: ParameterSeries(chains))
    }

    /// 2^k that brings the largest |value| into [1, 2) (k limited so the factor is a normal double);
    /// 1 when the values are already in a safe range or all zero.
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

    /// Draws per chain that `checkStride` keeps: enough for R̂ and ESS warnings (thinning keeps an
    /// ESS below this about as it is, and R̂ is unchanged in expectation).
    public static let checkLength = 1 << 18

    /// The thinning that leaves at most `checkLength` draws in each of `chains`: a convergence check
    /// of a 10⁸-draw run where no summary was asked for.
    public static func checkStride(_ draws: Draws, chains: [Int]) -> Int {
        let longest = chains.map { draws.recorded[$0] }.max() ?? 0
        return max(1, (longest + checkLength - 1) / checkLength)
    }

    /// Summaries over `chains` (default: `completeChains(draws)`), of every `every`-th draw (draws
    /// 0, k, 2k, …); throws when no chain is left.
    public static func summarize(_ draws: Draws, names: [String]? = nil,
                                 chains selected: [Int]? = nil, every k: Int = 1) throws(SampoError) -> [ParameterSummary] {
        let chains = selected ?? completeChains(draws)
        guard !chains.isEmpty else { throw .runtime("no chain holds all its draws (every chain diverged); nothing to summarise") }
        guard k >= 1 else { throw .usage("summaries of every \(k)-th draw: the stride must be at least 1") }
        let perParameter = chains.reduce(0) { $0 + (draws.recorded[$1] + k - 1) / k }
        if k == 1, perParameter > sequentialAbove, chains.allSatisfy({ draws.recorded[$0] == draws.capacity }) {
            var out: [ParameterSummary] = []
            for j in 0..<draws.dimension {
                out.append(try ParameterSummary(parameter: names?[j] ?? "x\(j + 1)",
                                                series: ParameterSeries(draws: draws, chains: chains, coordinate: j)))
            }
            return out
        }
        guard k > 1 || perParameter <= sequentialAbove else {
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
                var index = 0
                draws.forEachBlock(chain: c) { rows in
                    for row in stride(from: 0, to: rows.count, by: d) {
                        if index % k == 0 { for j in block { columns[j - first][last].append(rows[row + j]) } }
                        index += 1
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
            return Result { () throws(SampoError) in try ParameterSummary(parameter: name, chains: chains) }
        }
        let results = inParallel ? Parallel.map(count: count, one) : (0..<count).map(one)
        var out: [ParameterSummary] = []
        for r in results { out.append(try r.get()) }
        return out
    }
}
