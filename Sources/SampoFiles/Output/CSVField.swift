/// One CSV cell as RFC 4180 writes it: a name with a comma (a Stan matrix entry, `theta[1,2]`), a
/// quote or a line break is quoted, quotes doubled; anything else is written as it is. `split`
/// reads such a line back.
public enum CSVField {
    public static func escaped(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The cells of one line, quoted cells unquoted; surrounding spaces of unquoted cells kept.
    public static func split(_ line: Substring) -> [String] {
        guard line.contains("\"") else { return line.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        var cells: [String] = [], cell = "", quoted = false
        var i = line.startIndex
        while i < line.endIndex {
            let ch = line[i]
            if quoted {
                if ch == "\"" {
                    let next = line.index(after: i)
                    if next < line.endIndex && line[next] == "\"" { cell.append("\""); i = next } else { quoted = false }
                } else { cell.append(ch) }
            } else if ch == "\"" {
                quoted = true
            } else if ch == "," {
                cells.append(cell); cell = ""
            } else { cell.append(ch) }
            i = line.index(after: i)
        }
        cells.append(cell)
        return cells
    }

    public static func split(_ line: String) -> [String] { split(line[...]) }
}
