import SampoCore
import SampoDiagnostics
import Foundation

/// The running-moments CSV of `sample --moments`: `parameter,mean,variance,q05,q50,q95` (one
/// column per quantile probability), one row per coordinate, `#` metadata lines first.
public enum MomentsCSV {
    public static func render(_ m: RunningMoments, names: [String], metadata: [(String, String)] = []) -> String {
        var out = ""
        for (k, v) in metadata { out += "# \(k): \(v)\n" }
        out += (["parameter", "mean", "variance"] + m.probabilities.map(RunningMoments.columnName)).joined(separator: ",") + "\n"
        for j in 0..<m.dimension {
            var row = [CSVField.escaped(names[j]), DrawsCSV.format(m.mean(j)), DrawsCSV.format(m.variance(j))]
            for k in m.probabilities.indices { row.append(DrawsCSV.format(m.quantile(j, k))) }
            out += row.joined(separator: ",") + "\n"
        }
        return out
    }

    /// A moments file read back: parameter names and numeric columns by header name.
    public struct Table: Sendable {
        public var names: [String]
        public var columns: [String: [Double]]
    }

    /// Reads a moments CSV; errors name the file, line and column.
    public static func read(_ path: String) throws(SampoError) -> Table {
        var lines = try TextFile.text(path).split(whereSeparator: \.isNewline).map(String.init).filter { !$0.hasPrefix("#") }
        guard !lines.isEmpty else { throw .badFile(path: path, "no header row") }
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard header.first == "parameter", header.contains("mean") else {
            throw .badFile(path: path, "not a moments file (expected a header parameter,mean,variance,…)")
        }
        var names: [String] = [], columns = [String: [Double]]()
        for (i, line) in lines.enumerated() {
            let cells = CSVField.split(line)
            guard cells.count == header.count else { throw .badFile(path: path, "line \(i + 2): expected \(header.count) cells, found \(cells.count)") }
            names.append(cells[0])
            for k in 1..<header.count {
                guard let v = Double(cells[k]), v.isFinite else {
                    throw .badFile(path: path, "line \(i + 2), column '\(header[k])': expected a number, found '\(cells[k].prefix(40))'")
                }
                columns[header[k], default: []].append(v)
            }
        }
        return Table(names: names, columns: columns)
    }

    public static func write(_ m: RunningMoments, names: [String], to path: String, metadata: [(String, String)] = []) throws(SampoError) {
        try AtomicFile.write(render(m, names: names, metadata: metadata), to: path)
    }
}
