import Foundation
import SampoCore
import SampoDiagnostics
import SampoRuns
/// Draws read back from files for diagnostics: Sampo's own draws CSV (columns `chain,draw,…`,
/// any number of chains per file) or Stan CSV (one chain per file; columns ending in `__` are
/// the sampler's, except `lp__`, which is summarised like a parameter).
public struct ChainFiles: Sendable {
    /// Which CSV layout a file has.
    public enum Format: String, Sendable { case sampo, stan }

    public let format: Format
    public let parameters: [String]
    /// values[p][c] = draws of parameter p in chain c.
    public let values: [[[Double]]]
    /// Number of divergent transitions (sum of `divergent__`), when the column exists (Stan CSV, or
    /// Sampo draws written with `--sampler-stats`).
    public let divergences: Int?
    /// Mean `accept_stat__`, when the column exists.
    public let meanAcceptStat: Double?
    /// Sampo draws only: chains left out of `values`, each with why (named in the file's
    /// `diverged_chains` metadata, or shorter than the longest chain: they stopped early).
    public var leftOut: [String] = []
    /// Sampo draws of a population sampler (`# draws: population`): summarised with standard
    /// errors between runs (`PopulationSummary`).
    public var population = false
    /// The sampler's per-draw columns (`stepsize__`, `treedepth__`, `divergent__`, …; not `lp__`)
    /// of the chains in `values`, in the same order: column → chain → draws.
    public var samplerColumns: [String: [[Double]]] = [:]

    public var chainCount: Int { values.first?.count ?? 0 }
    public var drawsPerChain: Int { values.first?.first?.count ?? 0 }

    public static func read(_ paths: [String]) throws(SampoError) -> ChainFiles {
        guard !paths.isEmpty else { throw .usage("diagnose: expected at least one CSV file") }
        // One file given twice would count its chains twice (and look converged).
        var seen: [String: String] = [:]
        for p in paths where p != "-" {
            let key = AtomicFile.fileKey(p)
            if let earlier = seen[key] { throw .usage("\(earlier) and \(p) are the same file: each file is one chain (or holds its chains) and may be given once") }
            seen[key] = p
        }
        let files = try paths.map { (p: String) throws(SampoError) -> NumericCSV in try NumericCSV.read(p) }
        // A Sampo draws file says so (`# sampo: draws`) and has both chain and draw columns; one of
        // them missing is an error, never a Stan file with its chains pooled.
        for f in files {
            let marked = f.comments.contains { $0.hasPrefix("sampo: draws") }
            let chain = f.column("chain") != nil, draw = f.column("draw") != nil
            if chain != draw || (marked && !(chain && draw)) {
                throw .badFile(path: f.path, "a Sampo draws file needs both a 'chain' and a 'draw' column; "
                               + (chain ? "'draw'" : "'chain'") + " is missing (renamed?)")
            }
        }
        let isSampo = files.map { $0.column("chain") != nil && $0.column("draw") != nil }
        guard Set(isSampo).count == 1 else {
            throw .usage("\(paths.joined(separator: ", ")): mixes Sampo draws CSV (with chain,draw columns) and Stan CSV")
        }
        return isSampo[0] ? try readSampo(files) : try readStan(files)
    }

    private static func readSampo(_ files: [NumericCSV]) throws(SampoError) -> ChainFiles {
        let first = files[0]
        // Sampler columns (`accept_stat__`, …, from `--sampler-stats`) are not parameters.
        let names = first.header.filter { $0 != "chain" && $0 != "draw" && !$0.hasSuffix("__") }
        let statNames = first.header.filter { $0.hasSuffix("__") && $0 != "lp__" }
        var chains: [[[Double]]] = []   // [chain][param][draw]
        var statChains: [[[Double]]] = []   // [chain][sampler column][draw]
        var divergences: Int?
        var acceptSum = 0.0, acceptCount = 0
        var labels: [String] = []       // "chain 3" or "a.csv chain 3" when several files
        var diverged: [Bool] = []
        var noRows: [String] = []
        for f in files {
            // `# diverged_chains: 2 3`, as `sampo sample` writes it when chains diverged.
            var divergedIDs: Set<Double> = []
            for line in f.comments where line.hasPrefix("diverged_chains:") {
                for word in line.dropFirst("diverged_chains:".count).split(separator: " ") {
                    guard let id = Double(word), id.isFinite else {
                        throw .badFile(path: f.path, "metadata 'diverged_chains': expected chain numbers, found '\(Truncated.text(String(word)))'")
                    }
                    divergedIDs.insert(id)
                }
            }
            guard f.header == first.header else {
                throw .badFile(path: f.path, "header differs from \(first.path) (\(f.header.joined(separator: ",")))")
            }
            let chainCol = f.column("chain")!, paramCols = names.map { f.column($0)! }
            // A new chain starts wherever the chain number changes; a number seen before means
            // the rows are not grouped by chain (e.g. sorted by draw), which would split chains.
            var start = 0
            var seen: Set<Double> = []
            while start < f.rowCount {
                let id = f[start, chainCol]
                guard id.isFinite, id >= 1, id.rounded() == id else {
                    throw .badFile(path: f.path, "column 'chain', data row \(start + 1): expected a chain number (1, 2, …), found \(id)")
                }
                guard seen.insert(id).inserted else {
                    throw .badFile(path: f.path, "chain \(number(id)) reappears at data row \(start + 1) after other chains began: rows must be grouped by chain (sorted by chain, then draw)")
                }
                var stop = start
                while stop < f.rowCount && f[stop, chainCol] == id { stop += 1 }
                chains.append(paramCols.map { col in (start..<stop).map { f[$0, col] } })
                statChains.append(statNames.map { name in f.column(name).map { col in (start..<stop).map { f[$0, col] } } ?? [] })
                if !divergedIDs.contains(id) {
                    if let col = f.column("divergent__") { divergences = (divergences ?? 0) + (start..<stop).filter { f[$0, col] != 0 }.count }
                    if let col = f.column("accept_stat__") { acceptSum += (start..<stop).reduce(0) { $0 + f[$1, col] }; acceptCount += stop - start }
                }
                labels.append((files.count > 1 ? "\(f.path) " : "") + "chain \(number(id))")
                diverged.append(divergedIDs.contains(id))
                start = stop
            }
            // Chains that diverged during warm-up have no rows at all.
            for id in divergedIDs.subtracting(seen).sorted() {
                noRows.append((files.count > 1 ? "\(f.path) " : "") + "chain \(number(id)) (diverged; no draws)")
            }
        }
        // Summarise the complete chains, as `sample --summary` does, and say which were left out.
        let longest = chains.map { $0.first?.count ?? 0 }.max() ?? 0
        var kept: [[[Double]]] = [], keptStats: [[[Double]]] = []
        var leftOut: [String] = noRows
        for (c, chain) in chains.enumerated() {
            let n = chain.first?.count ?? 0
            if diverged[c] { leftOut.append("\(labels[c]) (diverged; \(n) draws)") } else if n < longest {
                leftOut.append("\(labels[c]) (\(n) of \(longest) draws: stopped early)")
            } else { kept.append(chain); keptStats.append(statChains[c]) }
        }
        guard !kept.isEmpty || chains.isEmpty else {
            throw .badFile(path: files.map(\.path).joined(separator: ", "), "no complete chain to summarise (left out: \(leftOut.joined(separator: ", ")))")
        }
        var set = try assemble(.sampo, names: names, chains: kept, sources: files.map(\.path), divergences: divergences,
                               accept: acceptCount > 0 ? acceptSum / Double(acceptCount) : nil)
        set.leftOut = leftOut
        for (k, name) in statNames.enumerated() { set.samplerColumns[name] = keptStats.map { $0[k] } }
        set.population = files.allSatisfy { $0.comments.contains("draws: population") }
        return set
    }

    /// A chain number as the file has it (2, not 2.0), whatever its size.
    private static func number(_ id: Double) -> String {
        abs(id) < 1e15 && id.rounded() == id ? String(Int(id)) : DrawsCSV.format(id)
    }

    private static func readStan(_ files: [NumericCSV]) throws(SampoError) -> ChainFiles {
        let first = files[0]
        let names = first.header.filter { !$0.hasSuffix("__") || $0 == "lp__" }
        guard !names.isEmpty else { throw .badFile(path: first.path, "no parameter columns") }
        var chains: [[[Double]]] = []
        var divergences: Int?
        var acceptSum = 0.0, acceptCount = 0
        var samplerColumns: [String: [[Double]]] = [:]
        for f in files {
            guard f.header == first.header else {
                throw .badFile(path: f.path, "columns differ from \(first.path)")
            }
            try checkSamplerColumns(f)
            chains.append(names.map { f.values(column: f.column($0)!) })
            for name in first.header where name.hasSuffix("__") && name != "lp__" {
                if let c = f.column(name) { samplerColumns[name, default: []].append(f.values(column: c)) }
            }
            if let d = f.column("divergent__") { divergences = (divergences ?? 0) + f.values(column: d).filter { $0 != 0 }.count }
            if let a = f.column("accept_stat__") { acceptSum += f.values(column: a).reduce(0, +); acceptCount += f.rowCount }
        }
        // CmdStan's dotted names (theta.1) in the bracket form Stan programs and posteriordb use (theta[1]).
        var set = try assemble(.stan, names: names.map(StanNames.bracketed), chains: chains, sources: files.map(\.path), divergences: divergences,
                               accept: acceptCount > 0 ? acceptSum / Double(acceptCount) : nil)
        set.samplerColumns = samplerColumns
        return set
    }

    /// Stan's sampler columns hold values of known ranges: one outside them means the columns are
    /// shifted (a missing `lp__`, a hand-edited header), and every parameter would be misread.
    private static func checkSamplerColumns(_ f: NumericCSV) throws(SampoError) {
        let rules: [(String, String, (Double) -> Bool)] = [
            ("accept_stat__", "in [0, 1]", { $0 >= 0 && $0 <= 1 }),
            ("stepsize__", "positive", { $0 > 0 }),
            ("treedepth__", "a whole number ≥ 0", { $0 >= 0 && $0 == $0.rounded() }),
            ("n_leapfrog__", "a whole number ≥ 0", { $0 >= 0 && $0 == $0.rounded() }),
            ("divergent__", "0 or 1", { $0 == 0 || $0 == 1 }),
        ]
        for (name, expected, ok) in rules {
            guard let c = f.column(name) else { continue }
            for r in 0..<f.rowCount where !ok(f[r, c]) {
                throw .badFile(path: f.path, "column \(name), draw \(r + 1): \(f[r, c]) is not \(expected) — are the columns shifted? "
                               + "(CmdStan's layout starts lp__, accept_stat__, stepsize__, treedepth__, n_leapfrog__, divergent__, energy__)")
            }
        }
    }

    private static func assemble(_ format: Format, names: [String], chains: [[[Double]]], sources: [String],
                                 divergences: Int?, accept: Double?) throws(SampoError) -> ChainFiles {
        let where_ = sources.joined(separator: ", ")
        guard !names.isEmpty else { throw .badFile(path: where_, "no parameter columns") }
        guard let n = chains.first?.first?.count, n > 0 else { throw .badFile(path: where_, "no draws") }
        for (c, chain) in chains.enumerated() where chain[0].count != n {
            throw .badFile(path: where_, "chain \(c + 1) has \(chain[0].count) draws, chain 1 has \(n) (chains must have equal lengths)")
        }
        for (c, chain) in chains.enumerated() {
            for (p, series) in chain.enumerated() {
                if let i = series.firstIndex(where: { !$0.isFinite }) {
                    throw .badFile(path: where_, "chain \(c + 1), draw \(i + 1), column '\(names[p])' is \(series[i]) (expected a finite number)")
                }
            }
        }
        let values = names.indices.map { p in chains.map { $0[p] } }
        return ChainFiles(format: format, parameters: names, values: values, divergences: divergences, meanAcceptStat: accept)
    }

    public func summarize() throws(SampoError) -> [ParameterSummary] {
        let names = parameters, values = self.values
        let perParameter = values.first.map { $0.reduce(0) { $0 + $1.count } } ?? 0
        let rows = try DrawsSummary.summarize(count: names.count, inParallel: perParameter <= DrawsSummary.sequentialAbove) {
            (names[$0], values[$0])
        }
        return population ? rows.indices.map { PopulationSummary.adjusted(rows[$0], runs: values[$0]) } : rows
    }
}
