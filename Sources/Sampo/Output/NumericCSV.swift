import Foundation

/// A CSV file of numbers with one header row; `#` lines (anywhere) are comments. Every cell
/// must be a number; errors name the file, the line and the column. Cells are parsed straight
/// from the file's bytes with `strtod` (correctly rounded) and stored row-major in one buffer,
/// so files of 10⁸ numbers load in seconds.
public struct NumericCSV: Sendable {
    public let path: String
    public let header: [String]
    /// Row-major cells: cell (r, c) is `cells[r * columnCount + c]`.
    public let cells: [Double]
    /// The `#` lines, without the leading `#` and one space.
    public let comments: [String]

    public var columnCount: Int { header.count }
    public var rowCount: Int { header.isEmpty ? 0 : cells.count / header.count }

    public subscript(row: Int, column: Int) -> Double { cells[row * header.count + column] }
    public func row(_ r: Int) -> ArraySlice<Double> { cells[(r * columnCount)..<((r + 1) * columnCount)] }
    /// All values of one column.
    public func values(column c: Int) -> [Double] { (0..<rowCount).map { self[$0, c] } }

    public static func read(_ path: String) throws(SampoError) -> NumericCSV {
        let data = try TextFile.bytes(path)
        let result = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Result<NumericCSV, SampoError> in
            Result { () throws(SampoError) in try parse(raw.bindMemory(to: UInt8.self), path: path) }
        }
        return try result.get()
    }

    public static func parse(_ text: String, path: String) throws(SampoError) -> NumericCSV {
        var copy = text
        let result = copy.withUTF8 { (buf: UnsafeBufferPointer<UInt8>) -> Result<NumericCSV, SampoError> in
            Result { () throws(SampoError) in try parse(buf, path: path) }
        }
        return try result.get()
    }

    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws(SampoError) -> NumericCSV {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { throw .usage("\(path): file is empty") }
        let end = base + bytes.count
        var header: [String]?
        var cells: [Double] = []
        var comments: [String] = []
        var lineNumber = 0
        var p = base
        var field = [CChar](repeating: 0, count: 64)
        while p < end {
            lineNumber += 1
            let newline = memchr(p, 0x0A, end - p)?.assumingMemoryBound(to: UInt8.self) ?? UnsafeMutablePointer(mutating: end)
            var lineEnd = UnsafePointer(newline)
            if lineEnd > p && lineEnd[-1] == 0x0D { lineEnd -= 1 }
            defer { p = UnsafePointer(newline) + 1 }
            if p[0] == UInt8(ascii: "#") {
                let s = String(decoding: UnsafeBufferPointer(start: p + 1, count: lineEnd - p - 1), as: UTF8.self)
                comments.append(String(s.drop(while: { $0 == " " })))
                continue
            }
            var blank = true
            var q = p
            while q < lineEnd { if q[0] != 0x20 && q[0] != 0x09 { blank = false; break }; q += 1 }
            if blank { continue }
            guard let names = header else {
                let line = String(decoding: UnsafeBufferPointer(start: p, count: lineEnd - p), as: UTF8.self)
                let h = line.split(separator: ",", omittingEmptySubsequences: false).map {
                    $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                }
                if let bad = h.firstIndex(where: { $0.isEmpty }) {
                    throw .usage("\(path): line \(lineNumber): header column \(bad + 1) is empty")
                }
                if h.allSatisfy({ Double($0) != nil }) {
                    throw .usage("\(path): line \(lineNumber): expected a header row of column names, found numbers")
                }
                header = h
                continue
            }
            // One data row: exactly names.count cells separated by commas.
            var column = 0
            var cellStart = p
            while true {
                var cellEnd = cellStart
                while cellEnd < lineEnd && cellEnd[0] != UInt8(ascii: ",") { cellEnd += 1 }
                guard column < names.count else {
                    throw .usage("\(path): line \(lineNumber): expected \(names.count) cells (as the header), found more")
                }
                guard let value = number(cellStart, cellEnd, &field) else {
                    let s = String(decoding: UnsafeBufferPointer(start: cellStart, count: cellEnd - cellStart), as: UTF8.self)
                    throw .usage("\(path): line \(lineNumber), column '\(names[column])': expected a number, found '\(s.trimmingCharacters(in: .whitespaces))'")
                }
                cells.append(value)
                column += 1
                if cellEnd >= lineEnd { break }
                cellStart = cellEnd + 1
            }
            guard column == names.count else {
                cells.removeLast(column)
                throw .usage("\(path): line \(lineNumber): expected \(names.count) cells (as the header), found \(column)")
            }
        }
        guard let h = header else { throw .usage("\(path): no header row") }
        return NumericCSV(path: path, header: h, cells: cells, comments: comments)
    }

    /// The number in bytes [start, end), surrounding blanks allowed; nil if it is not one number.
    private static func number(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ field: inout [CChar]) -> Double? {
        var s = start, e = end
        while s < e && (s[0] == 0x20 || s[0] == 0x09) { s += 1 }
        while e > s && (e[-1] == 0x20 || e[-1] == 0x09) { e -= 1 }
        let n = e - s
        guard n > 0 else { return nil }
        // strtod needs a terminated string: copy the cell into a small reusable buffer.
        if field.count <= n { field = [CChar](repeating: 0, count: n + 1) }
        return field.withUnsafeMutableBufferPointer { buf -> Double? in
            let f = buf.baseAddress!
            UnsafeMutableRawPointer(f).copyMemory(from: s, byteCount: n)
            f[n] = 0
            // Reject what strtod would take but a CSV number is not (hex floats, leading '+' is fine).
            if n > 1 && (f[1] == 0x78 || f[1] == 0x58 || (n > 2 && (f[2] == 0x78 || f[2] == 0x58))) { return nil }
            var stop: UnsafeMutablePointer<CChar>?
            let v = strtod(f, &stop)
            guard let stop, stop == f + n else { return nil }
            return v
        }
    }

    /// Index of the column named `name`.
    public func column(_ name: String) -> Int? { header.firstIndex(of: name) }

    /// Indices of the columns x1, x2, …, xd in order; an error if there are none.
    public func coordinateColumns() throws(SampoError) -> [Int] {
        var cols: [Int] = []
        while let c = column("x\(cols.count + 1)") { cols.append(c) }
        guard !cols.isEmpty else { throw .usage("\(path): header has no columns x1, x2, …") }
        return cols
    }
}

/// Reading input files with the checks every reader needs: present, not empty, not binary.
public enum TextFile {
    public static func bytes(_ path: String) throws(SampoError) -> Data {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw .usage("\(path): file not found")
        }
        guard !isDir.boolValue else { throw .usage("\(path): is a directory, expected a file") }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw .usage("\(path): cannot read (\(error.localizedDescription))")
        }
        guard !data.isEmpty else { throw .usage("\(path): file is empty") }
        let hasNul = data.withUnsafeBytes { memchr($0.baseAddress!, 0, $0.count) != nil }
        guard !hasNul else { throw .usage("\(path): not a text file (binary)") }
        return data
    }

    /// The whole file as UTF-8 text (rejects binary and non-UTF-8 files).
    public static func text(_ path: String) throws(SampoError) -> String {
        let data = try bytes(path)
        guard let text = String(data: data, encoding: .utf8) else { throw .usage("\(path): not a text file (not UTF-8)") }
        guard !text.allSatisfy({ $0.isWhitespace }) else { throw .usage("\(path): file is empty") }
        return text
    }
}
