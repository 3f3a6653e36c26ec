import Foundation

/// A CSV file of numbers with one header row; `#` lines (anywhere) are comments. Every cell
/// must be a number; errors name the file, the line and the column.
public struct NumericCSV: Sendable {
    public let path: String
    public let header: [String]
    /// Row-major cells.
    public let rows: [[Double]]
    /// The `#` lines, without the leading `#` and one space.
    public let comments: [String]

    public static func read(_ path: String) throws(SampoError) -> NumericCSV {
        let text = try TargetFile.readText(path)
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws(SampoError) -> NumericCSV {
        var header: [String]?
        var rows: [[Double]] = []
        var comments: [String] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if line.hasPrefix("#") {
                comments.append(String(line.dropFirst().drop(while: { $0 == " " })))
                continue
            }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            guard let names = header else {
                let h = cells.map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
                if let bad = h.firstIndex(where: { $0.isEmpty }) {
                    throw .usage("\(path): line \(lineNumber): header column \(bad + 1) is empty")
                }
                if h.allSatisfy({ Double($0) != nil }) {
                    throw .usage("\(path): line \(lineNumber): expected a header row of column names, found numbers")
                }
                header = h
                continue
            }
            guard cells.count == names.count else {
                throw .usage("\(path): line \(lineNumber): expected \(names.count) cells (as the header), found \(cells.count)")
            }
            var row = [Double](repeating: 0, count: cells.count)
            for (j, cell) in cells.enumerated() {
                let s = cell.trimmingCharacters(in: .whitespaces)
                guard let v = Double(s) else {
                    throw .usage("\(path): line \(lineNumber), column '\(names[j])': expected a number, found '\(s)'")
                }
                row[j] = v
            }
            rows.append(row)
        }
        guard let h = header else { throw .usage("\(path): no header row") }
        return NumericCSV(path: path, header: h, rows: rows, comments: comments)
    }

    /// Index of the column named `name`.
    public func column(_ name: String) -> Int? { header.firstIndex(of: name) }

    /// Indices of the columns x1, x2, …, xd in order; an error if they are missing or out of order.
    public func coordinateColumns() throws(SampoError) -> [Int] {
        var cols: [Int] = []
        while let c = column("x\(cols.count + 1)") { cols.append(c) }
        guard !cols.isEmpty else { throw .usage("\(path): header has no columns x1, x2, …") }
        return cols
    }
}
