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
    /// Stan only: number of divergent transitions (sum of `divergent__`), when the column exists.
    public let divergences: Int?
    /// Stan only: mean `accept_stat__`, when the column exists.
    public let meanAcceptStat: Double?

    public var chainCount: Int { values.first?.count ?? 0 }
    public var drawsPerChain: Int { values.first?.first?.count ?? 0 }

    public static func read(_ paths: [String]) throws(SampoError) -> ChainFiles {
        guard !paths.isEmpty else { throw .usage("diagnose: expected at least one CSV file") }
        let files = try paths.map { (p: String) throws(SampoError) -> NumericCSV in try NumericCSV.read(p) }
        let isSampo = files.map { $0.column("chain") != nil && $0.column("draw") != nil }
        guard Set(isSampo).count == 1 else {
            throw .usage("\(paths.joined(separator: ", ")): mixes Sampo draws CSV (with chain,draw columns) and Stan CSV")
        }
        return isSampo[0] ? try readSampo(files) : try readStan(files)
    }

    private static func readSampo(_ files: [NumericCSV]) throws(SampoError) -> ChainFiles {
        let first = files[0]
        let names = first.header.filter { $0 != "chain" && $0 != "draw" }
        var chains: [[[Double]]] = []   // [chain][param][draw]
        for f in files {
            guard f.header == first.header else {
                throw .usage("\(f.path): header differs from \(first.path) (\(f.header.joined(separator: ",")))")
            }
            let chainCol = f.column("chain")!, paramCols = names.map { f.column($0)! }
            // A new chain starts wherever the chain number changes.
            var start = 0
            while start < f.rowCount {
                var stop = start
                while stop < f.rowCount && f[stop, chainCol] == f[start, chainCol] { stop += 1 }
                chains.append(paramCols.map { col in (start..<stop).map { f[$0, col] } })
                start = stop
            }
        }
        return try assemble(.sampo, names: names, chains: chains, sources: files.map(\.path), divergences: nil, accept: nil)
    }

    private static func readStan(_ files: [NumericCSV]) throws(SampoError) -> ChainFiles {
        let first = files[0]
        let names = first.header.filter { !$0.hasSuffix("__") || $0 == "lp__" }
        guard !names.isEmpty else { throw .usage("\(first.path): no parameter columns") }
        var chains: [[[Double]]] = []
        var divergences: Int?
        var acceptSum = 0.0, acceptCount = 0
        for f in files {
            guard f.header == first.header else {
                throw .usage("\(f.path): columns differ from \(first.path)")
            }
            chains.append(names.map { f.values(column: f.column($0)!) })
            if let d = f.column("divergent__") { divergences = (divergences ?? 0) + f.values(column: d).filter { $0 != 0 }.count }
            if let a = f.column("accept_stat__") { acceptSum += f.values(column: a).reduce(0, +); acceptCount += f.rowCount }
        }
        return try assemble(.stan, names: names, chains: chains, sources: files.map(\.path), divergences: divergences,
                            accept: acceptCount > 0 ? acceptSum / Double(acceptCount) : nil)
    }

    private static func assemble(_ format: Format, names: [String], chains: [[[Double]]], sources: [String],
                                 divergences: Int?, accept: Double?) throws(SampoError) -> ChainFiles {
        let where_ = sources.joined(separator: ", ")
        guard !names.isEmpty else { throw .usage("\(where_): no parameter columns") }
        guard let n = chains.first?.first?.count, n > 0 else { throw .usage("\(where_): no draws") }
        for (c, chain) in chains.enumerated() where chain[0].count != n {
            throw .usage("\(where_): chain \(c + 1) has \(chain[0].count) draws, chain 1 has \(n) (chains must have equal lengths)")
        }
        for (c, chain) in chains.enumerated() {
            for (p, series) in chain.enumerated() {
                if let i = series.firstIndex(where: { !$0.isFinite }) {
                    throw .usage("\(where_): chain \(c + 1), draw \(i + 1), column '\(names[p])' is \(series[i]) (expected a finite number)")
                }
            }
        }
        let values = names.indices.map { p in chains.map { $0[p] } }
        return ChainFiles(format: format, parameters: names, values: values, divergences: divergences, meanAcceptStat: accept)
    }

    public func summarize() throws(SampoError) -> [ParameterSummary] {
        let names = parameters, values = self.values
        return try DrawsSummary.summarize(count: names.count) { (names[$0], values[$0]) }
    }
}
