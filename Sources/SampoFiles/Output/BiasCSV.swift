import SampoCore
import Foundation

/// The CSV of `sampo bias --out`: sampler,step_size,w2,max_variance_ratio, empty cells where the
/// kernel is unstable.
public enum BiasCSV {
    public static let columns = ["sampler", "step_size", "w2", "max_variance_ratio"]

    public struct Row: Sendable, Equatable {
        public var sampler: String
        public var stepSize: Double
        /// nil where the kernel is unstable.
        public var w2: Double?
        public var maxVarianceRatio: Double?
    }

    /// Reads the file; errors name the file, line and column.
    public static func read(_ path: String) throws(SampoError) -> [Row] {
        var lines = try TextFile.text(path).split(whereSeparator: \.isNewline).map(String.init).filter { !$0.hasPrefix("#") }
        guard !lines.isEmpty else { throw .badFile(path: path, "no header row") }
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard header == columns else { throw .badFile(path: path, "header is not the bias CSV header (\(columns.joined(separator: ",")))") }
        var rows: [Row] = []
        for (i, line) in lines.enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard cells.count == columns.count else { throw .badFile(path: path, "line \(i + 2): expected \(columns.count) cells, found \(cells.count)") }
            func number(_ k: Int, optional: Bool) throws(SampoError) -> Double? {
                if optional && cells[k].isEmpty { return nil }
                guard let v = Double(cells[k]), v.isFinite, v >= 0 else {
                    throw .badFile(path: path, "line \(i + 2), column '\(columns[k])': expected a non-negative number, found '\(cells[k].prefix(40))'")
                }
                return v
            }
            guard !cells[0].isEmpty else { throw .badFile(path: path, "line \(i + 2), column 'sampler': empty") }
            guard let h = try number(1, optional: false) else { continue }
            rows.append(Row(sampler: cells[0], stepSize: h, w2: try number(2, optional: true), maxVarianceRatio: try number(3, optional: true)))
        }
        return rows
    }
}
