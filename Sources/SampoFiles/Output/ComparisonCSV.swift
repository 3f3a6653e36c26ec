import SampoCore
import SampoDiagnostics
import SampoRuns
import Foundation

/// The comparison CSV: header of `ComparisonRow.columns`, rows sorted by target, sampler and seed
/// so that merged shards equal the unsharded run.
public enum ComparisonCSV {
    /// Rows by target, sampler, seed, then size (steps, chains): a fixed order whatever produced them.
    public static func sorted(_ rows: [ComparisonRow]) -> [ComparisonRow] {
        rows.sorted { ($0.target, $0.sampler, $0.seed, $0.size) < ($1.target, $1.sampler, $1.seed, $1.size) }
    }

    /// `metadata` become `# key: value` lines above the header (readers skip them).
    public static func render(_ rows: [ComparisonRow], metadata: [(String, String)] = []) -> String {
        var out = metadata.map { "# \($0.0): \($0.1)\n" }.joined() + ComparisonRow.columns.joined(separator: ",") + "\n"
        for r in sorted(rows) { out += ComparisonRow.columns.map(r.cell).joined(separator: ",") + "\n" }
        return out
    }

    public static func write(_ rows: [ComparisonRow], to path: String, metadata: [(String, String)] = []) throws(SampoError) {
        try AtomicFile.write(render(rows, metadata: metadata), to: path)
    }

    /// The `# key: value` lines of a comparison CSV.
    public static func metadata(_ path: String) throws(SampoError) -> [String: String] {
        var out: [String: String] = [:]
        for line in try TextFile.text(path).split(whereSeparator: \.isNewline) where line.hasPrefix("# ") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            out[String(line[line.index(line.startIndex, offsetBy: 2)..<colon])] = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        }
        return out
    }

    /// The columns a comparison CSV's header names (an older version's file has fewer).
    public static func header(_ path: String) throws(SampoError) -> [String] {
        let line = try TextFile.text(path).split(whereSeparator: \.isNewline).first { !$0.hasPrefix("#") }
        return line.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
    }

    /// Reads a comparison CSV (for `sampo merge`), also one of an older version with fewer
    /// columns (those read as empty); errors name the file, line and column.
    public static func read(_ path: String) throws(SampoError) -> [ComparisonRow] {
        let text = try TextFile.text(path)
        // CRLF files (as `diagnose` accepts) read the same as LF files.
        // (Swift reads "\r\n" as one newline character, so splitting on newlines covers both.)
        var lines = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.hasPrefix("#") }
        guard !lines.isEmpty else { throw .badFile(path: path, "no header row") }
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        // An older version's file lacks some columns: they read as empty cells.
        guard Array(header.prefix(3)) == ["target", "sampler", "seed"] else {
            throw .badFile(path: path, "header is not a comparison CSV header: expected target,sampler,seed first (\(ComparisonRow.columns.joined(separator: ",")))")
        }
        let known = Set(ComparisonRow.columns)
        if let unknown = header.first(where: { !known.contains($0) }) {
            throw .badFile(path: path, "header: unknown column '\(unknown)' (a comparison CSV has \(ComparisonRow.columns.joined(separator: ",")))")
        }
        var rows: [ComparisonRow] = []
        for (i, line) in lines.enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard cells.count == header.count else {
                throw .badFile(path: path, "line \(i + 2): expected \(header.count) cells, found \(cells.count)")
            }
            guard let seed = UInt64(cells[2]) else { throw .badFile(path: path, "line \(i + 2), column 'seed': expected a whole number, found '\(cells[2])'") }
            var values: [String: Double?] = Dictionary(uniqueKeysWithValues: ComparisonRow.columns.dropFirst(3).map { ($0, Double?.none) })
            for (k, name) in header.enumerated().dropFirst(3) {
                if cells[k].isEmpty { values[name] = .some(nil); continue }
                guard let v = Double(cells[k]), v.isFinite else {
                    throw .badFile(path: path, "line \(i + 2), column '\(name)': expected a finite number or an empty cell, found '\(cells[k])'")
                }
                if ComparisonRow.countColumns.contains(name), v.rounded() != v || v < 0 {
                    throw .badFile(path: path, "line \(i + 2), column '\(name)': expected a whole number, found '\(cells[k])'")
                }
                values[name] = v
            }
            rows.append(ComparisonRow(target: cells[0], sampler: cells[1], seed: seed, values: values))
        }
        return rows
    }
}
