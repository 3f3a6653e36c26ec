import SampoCore
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
    /// Column index by name (names are unique: a repeated one is refused when read).
    private let index: [String: Int]

    public init(path: String, header: [String], cells: [Double], comments: [String]) {
        self.path = path; self.header = header; self.cells = cells; self.comments = comments
        index = Dictionary(header.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public var columnCount: Int { header.count }
    public var rowCount: Int { header.isEmpty ? 0 : cells.count / header.count }

    public subscript(row: Int, column: Int) -> Double { cells[row * header.count + column] }
    public func row(_ r: Int) -> ArraySlice<Double> { cells[(r * columnCount)..<((r + 1) * columnCount)] }
    /// All values of one column.
    public func values(column c: Int) -> [Double] { (0..<rowCount).map { self[$0, c] } }

    public static func read(_ path: String) throws(SampoError) -> NumericCSV {
        let data = try TextFile.bytes(path)
        let result = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Result<NumericCSV, SampoError> in
            Result { () throws(SampoError) in try parse(raw.bindMemory(to: UInt8.self), path: path, releaseAsRead: true) }
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

    /// `releaseAsRead`: the bytes are a file mapping whose pages may be dropped once parsed (a 2 GB
    /// draws file then does not stay resident while its numbers are kept).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, path: String,
                             releaseAsRead: Bool = false) throws(SampoError) -> NumericCSV {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { throw .badFile(path: path, "file is empty") }
        let end = base + bytes.count
        // The header (and any comments before it), sequentially.
        var comments: [String] = []
        var lineNumber = 0
        var p = base
        // A UTF-8 byte-order mark (as spreadsheet programs write) is not part of the first name.
        if bytes.count >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { p += 3 }
        var header: [String]?
        while p < end, header == nil {
            lineNumber += 1
            let (lineEnd, next) = line(from: p, end: end)
            defer { p = next }
            if p[0] == UInt8(ascii: "#") { comments.append(comment(p, lineEnd)); continue }
            if isBlank(p, lineEnd) { continue }
            let text = String(decoding: UnsafeBufferPointer(start: p, count: lineEnd - p), as: UTF8.self)
            let h = CSVField.split(text).map { $0.trimmingCharacters(in: .whitespaces) }
            if let bad = h.firstIndex(where: { $0.isEmpty }) {
                throw .badFile(path: path, "line \(lineNumber): header column \(bad + 1) is empty")
            }
            if h.allSatisfy({ Double($0) != nil }) {
                throw .badFile(path: path, "line \(lineNumber): expected a header row of column names, found numbers")
            }
            var seen: [String: Int] = [:]
            for (i, name) in h.enumerated() {
                if let first = seen[name] {
                    throw .badFile(path: path, "line \(lineNumber): column '\(Truncated.text(name))' appears twice (columns \(first + 1) and \(i + 1)); column names must be unique")
                }
                seen[name] = i
            }
            header = h
        }
        guard let names = header else { throw .badFile(path: path, "no header row") }
        // The rows, in chunks of about 32 MB that start at line boundaries, parsed a batch of one
        // chunk per core at a time (in parallel on large files).
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let chunkCount = end - p > 8 << 20 ? max(cores, (end - p) / (32 << 20)) : 1
        var bounds: [(UnsafePointer<UInt8>, Int)] = [(p, lineNumber + 1)]
        for k in 1..<max(chunkCount, 1) {
            var cut = p + (end - p) * k / chunkCount
            guard cut > bounds[bounds.count - 1].0 else { continue }
            if let nl = memchr(cut, 0x0A, end - cut) { cut = UnsafePointer(nl.assumingMemoryBound(to: UInt8.self)) + 1 } else { break }
            bounds.append((cut, 0))
        }
        // Starting line of every chunk: newlines before it.
        for k in 1..<bounds.count {
            bounds[k].1 = bounds[k - 1].1 + newlines(bounds[k - 1].0, bounds[k].0)
        }
        let pieces = bounds.indices.map { k in
            Piece(start: bounds[k].0, stop: k + 1 < bounds.count ? bounds[k + 1].0 : end, line: bounds[k].1)
        }
        var cells: [Double] = []
        for batch in stride(from: 0, to: pieces.count, by: cores) {
            let batchPieces = Array(pieces[batch..<min(pieces.count, batch + cores)])
            let results = Parallel.map(count: batchPieces.count) { k in
                Result { () throws(SampoError) in
                    try rows(batchPieces[k].start, batchPieces[k].stop, firstLine: batchPieces[k].line, names: names, path: path)
                }
            }
            for r in results {
                let chunk = try r.get()
                cells += chunk.cells
                comments += chunk.comments
            }
            if releaseAsRead, let first = batchPieces.first, let last = batchPieces.last {
                ResidentPages.release(first.start, byteCount: last.stop - first.start)
            }
        }
        return NumericCSV(path: path, header: names, cells: cells, comments: comments)
    }

    /// A byte range of whole lines of the file, read by one worker while the file stays mapped.
    private struct Piece: @unchecked Sendable {
        let start: UnsafePointer<UInt8>, stop: UnsafePointer<UInt8>, line: Int
    }

    /// The end of the line at p (without \r\n) and the start of the next one.
    @inline(__always)
    private static func line(from p: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>) -> (UnsafePointer<UInt8>, UnsafePointer<UInt8>) {
        let newline = memchr(p, 0x0A, end - p).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) } ?? end
        var lineEnd = newline
        if lineEnd > p && lineEnd[-1] == 0x0D { lineEnd -= 1 }
        return (lineEnd, newline < end ? newline + 1 : end)
    }

    private static func comment(_ p: UnsafePointer<UInt8>, _ lineEnd: UnsafePointer<UInt8>) -> String {
        let s = String(decoding: UnsafeBufferPointer(start: p + 1, count: max(0, lineEnd - p - 1)), as: UTF8.self)
        return String(s.drop(while: { $0 == " " }))
    }

    private static func isBlank(_ p: UnsafePointer<UInt8>, _ lineEnd: UnsafePointer<UInt8>) -> Bool {
        var q = p
        while q < lineEnd { if q[0] != 0x20 && q[0] != 0x09 { return false }; q += 1 }
        return true
    }

    private static func newlines(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>) -> Int {
        var n = 0, p = a
        while p < b, let nl = memchr(p, 0x0A, b - p) { n += 1; p = UnsafePointer(nl.assumingMemoryBound(to: UInt8.self)) + 1 }
        return n
    }

    /// Data rows of [p, end), the first on line `firstLine`: every row has exactly names.count numbers.
    private static func rows(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, firstLine: Int, names: [String],
                             path: String) throws(SampoError) -> (cells: [Double], comments: [String]) {
        var cells: [Double] = [], comments: [String] = []
        cells.reserveCapacity((end - start) / 8)
        var field = [CChar](repeating: 0, count: 64)
        var lineNumber = firstLine - 1
        var p = start
        while p < end {
            lineNumber += 1
            let (lineEnd, next) = line(from: p, end: end)
            defer { p = next }
            if p[0] == UInt8(ascii: "#") { comments.append(comment(p, lineEnd)); continue }
            if isBlank(p, lineEnd) { continue }
            var column = 0
            var cellStart = p
            while true {
                var cellEnd = cellStart
                while cellEnd < lineEnd && cellEnd[0] != UInt8(ascii: ",") { cellEnd += 1 }
                guard column < names.count else {
                    throw .badFile(path: path, "line \(lineNumber): expected \(names.count) cells (as the header), found more")
                }
                guard let value = number(cellStart, cellEnd, &field) else {
                    let s = String(decoding: UnsafeBufferPointer(start: cellStart, count: cellEnd - cellStart), as: UTF8.self)
                    throw .badFile(path: path, "line \(lineNumber), column '\(names[column])': expected a number, found '\(s.trimmingCharacters(in: .whitespaces))'")
                }
                cells.append(value)
                column += 1
                if cellEnd >= lineEnd { break }
                cellStart = cellEnd + 1
            }
            guard column == names.count else {
                throw .badFile(path: path, "line \(lineNumber): expected \(names.count) cells (as the header), found \(column)")
            }
        }
        return (cells, comments)
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
    public func column(_ name: String) -> Int? { index[name] }

    /// Indices of the columns named `names` when the header has them all, else of x1, x2, …, xd in
    /// order; an error if there are none.
    public func coordinateColumns(names: [String] = []) throws(SampoError) -> [Int] {
        let named = names.compactMap(column)
        if !names.isEmpty && named.count == names.count { return named }
        var cols: [Int] = []
        while let c = column("x\(cols.count + 1)") { cols.append(c) }
        guard !cols.isEmpty else { throw .badFile(path: path, "header has no columns x1, x2, …") }
        return cols
    }
}

/// Reading input files with the checks every reader needs: present, not empty, not binary.
public enum TextFile {
    /// The whole file; `-` is standard input, and FIFOs and devices (`/dev/stdin`) are read to their end.
    /// `binary`: a binary format (a P5 image) is expected, so NUL bytes are allowed.
    public static func bytes(_ path: String, binary: Bool = false) throws(SampoError) -> Data {
        let data: Data
        var st = stat()
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else if stat(path, &st) != 0 {
            throw .badFile(path: path, "file not found")
        } else if (st.st_mode & S_IFMT) == S_IFDIR {
            throw .badFile(path: path, "is a directory, expected a file")
        } else if (st.st_mode & S_IFMT) != S_IFREG {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw .badFile(path: path, "cannot open for reading (\(String(cString: strerror(errno))))")
            }
            data = handle.readDataToEndOfFile()
            try? handle.close()
        } else {
            do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
                throw .badFile(path: path, "cannot read (\(error.localizedDescription))")
            }
        }
        guard !data.isEmpty else { throw .badFile(path: path, "file is empty") }
        let hasNul = data.withUnsafeBytes { memchr($0.baseAddress!, 0, $0.count) != nil }
        guard binary || !hasNul else { throw .badFile(path: path, "not a text file (binary)") }
        return data
    }

    /// The whole file as UTF-8 text (rejects binary and non-UTF-8 files).
    public static func text(_ path: String) throws(SampoError) -> String {
        let data = try bytes(path)
        guard let text = String(data: data, encoding: .utf8) else { throw .badFile(path: path, "not a text file (not UTF-8)") }
        guard !text.allSatisfy({ $0.isWhitespace }) else { throw .badFile(path: path, "file is empty") }
        return text
    }
}
