import SampoCore

/// Summaries of population draws (SMC and rdMC particles, one run per "chain"). The particles
/// of a run are not a Markov chain, so autocorrelation-based ESS misstates their error (measured:
/// 4–5× too small an MCSE on waste-free SMC). Here the standard errors come from the spread
/// between independent runs: MCSE(mean) = sd(run means)/√R, MCSE(sd) = sd(run sds)/√R, and
/// `ess_bulk` is the sample size those imply, sd²/MCSE(mean)²; `ess_tail` is left empty. R-hat
/// still compares the runs. With one run there is no between-run error: those cells are empty.
public enum PopulationSummary {
    /// The method, for metadata and reports.
    public static let method = ParameterSummary.ErrorMethod.betweenRuns.rawValue

    public static func summarize(_ draws: Draws, names: [String]? = nil, runs: [Int]) throws(SampoError) -> [ParameterSummary] {
        var rows = try DrawsSummary.summarize(draws, names: names, chains: runs)
        for j in rows.indices {
            let series = runs.map { draws.series(chain: $0, coordinate: j) }
            rows[j] = adjusted(rows[j], runs: series)
        }
        return rows
    }

    /// `summary` with its standard errors and ESS replaced by the between-run ones.
    public static func adjusted(_ summary: ParameterSummary, runs: [[Double]]) -> ParameterSummary {
        var s = summary
        s.errorMethod = .betweenRuns
        s.essTail = nil
        let r = runs.filter { !$0.isEmpty }
        guard r.count >= 2 else { s.mcseMean = nil; s.mcseSD = nil; s.essBulk = nil; return s }
        let means = r.map { $0.reduce(0, +) / Double($0.count) }
        let sds = zip(r, means).map { run, m in
            (run.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(max(run.count - 1, 1))).squareRoot()
        }
        func standardError(_ v: [Double]) -> Double {
            let m = v.reduce(0, +) / Double(v.count)
            return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1) / Double(v.count)).squareRoot()
        }
        let mcse = standardError(means)
        s.mcseMean = mcse
        s.mcseSD = standardError(sds)
        if let sd = s.sd, mcse > 0 { s.essBulk = sd * sd / (mcse * mcse) } else { s.essBulk = nil }
        return s
    }
}
