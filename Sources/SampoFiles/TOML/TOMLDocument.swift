/// A TOML 1.0 reader written for Sampo. It exists because the C++ parser behind TOMLKit aborts the
/// process on some malformed inputs (`x = [}`); this one works on bytes with checked indices, bounds
/// nesting, and reports every failure as a ``TOMLSyntaxError`` with line and column — any byte
/// sequence is safe to pass in.
public enum TOMLDocument {
    /// Deepest nesting of arrays and inline tables, and most parts in one dotted key or header.
    public static let maximumDepth = 64

    public static func parse(_ text: String) throws(TOMLSyntaxError) -> TOMLTable {
        var reader = TOMLReader(Array(text.utf8))
        let root = try reader.document()
        return root.table()
    }
}

/// Where a TOML text stops being valid, and why.
public struct TOMLSyntaxError: Error, Sendable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let message: String
    public var description: String { "line \(line), column \(column): \(message)" }
}

/// A table while the document is read: how it came to exist decides what may still be added to it.
private final class TableNode {
    enum Origin { case implicit, header, dotted }
    enum Entry { case value(TOMLValue), table(TableNode), arrayOfTables([TableNode]) }

    var origin: Origin
    var order: [String] = []
    var entries: [String: Entry] = [:]

    init(_ origin: Origin) { self.origin = origin }

    func set(_ key: String, _ entry: Entry) {
        if entries.updateValue(entry, forKey: key) == nil { order.append(key) }
    }

    func table() -> TOMLTable {
        var t = TOMLTable()
        for key in order {
            switch entries[key] {
            case .value(let v): t.set(key, v)
            case .table(let node): t.set(key, .table(node.table()))
            case .arrayOfTables(let nodes): t.set(key, .array(nodes.map { .table($0.table()) }))
            case nil: break
            }
        }
        return t
    }
}

private struct TOMLReader {
    let bytes: [UInt8]
    var pos = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    // MARK: characters

    var atEnd: Bool { pos >= bytes.count }
    func peek(_ offset: Int = 0) -> UInt8? {
        let i = pos + offset
        return i < bytes.count ? bytes[i] : nil
    }

    func fail(_ message: String) -> TOMLSyntaxError {
        var line = 1, column = 1
        for b in bytes[0..<min(pos, bytes.count)] {
            if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
        return TOMLSyntaxError(line: line, column: column, message: message)
    }

    mutating func skipSpaces() { while let b = peek(), b == 0x20 || b == 0x09 { pos += 1 } }

    mutating func skipComment() {
        guard peek() == UInt8(ascii: "#") else { return }
        while let b = peek(), b != 0x0A { pos += 1 }
    }

    /// Consumes one newline (LF or CRLF); false if there is none here.
    mutating func newline() throws(TOMLSyntaxError) -> Bool {
        if peek() == 0x0A { pos += 1; return true }
        if peek() == 0x0D {
            guard peek(1) == 0x0A else { throw fail("a carriage return must be followed by a line feed") }
            pos += 2
            return true
        }
        return false
    }

    /// Spaces, comments and newlines, as allowed between array elements.
    mutating func skipBlank() throws(TOMLSyntaxError) {
        while true {
            skipSpaces()
            skipComment()
            if !(try newline()) { return }
        }
    }

    mutating func expect(_ c: Unicode.Scalar, _ what: String) throws(TOMLSyntaxError) {
        guard let b = peek(), b == UInt8(ascii: c) else { throw fail("expected \(what)\(found)") }
        pos += 1
    }

    var found: String {
        guard let b = peek() else { return ", found the end of the file" }
        if b == 0x0A || b == 0x0D { return ", found the end of the line" }
        if b >= 0x20 && b < 0x7F { return ", found '\(Character(Unicode.Scalar(b)))'" }
        return ""
    }

    // MARK: document

    mutating func document() throws(TOMLSyntaxError) -> TableNode {
        let root = TableNode(.header)
        var current = root
        while !atEnd {
            skipSpaces()
            skipComment()
            if try newline() { continue }
            if atEnd { break }
            if peek() == UInt8(ascii: "[") {
                current = try header(root)
            } else {
                try keyValue(into: current, depth: 0)
            }
            skipSpaces()
            skipComment()
            let endedLine = try newline()
            if !atEnd && !endedLine { throw fail("expected the end of the line after a value or header\(found)") }
        }
        return root
    }

    mutating func header(_ root: TableNode) throws(TOMLSyntaxError) -> TableNode {
        pos += 1
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { pos += 1 }
        skipSpaces()
        let path = try key()
        skipSpaces()
        try expect("]", "']' closing the table header")
        if isArray { try expect("]", "']]' closing the array-of-tables header") }
        let name = path.joined(separator: ".")
        var node = root
        for part in path.dropLast() {
            switch node.entries[part] {
            case nil:
                let child = TableNode(.implicit)
                node.set(part, .table(child))
                node = child
            case .table(let child): node = child
            case .arrayOfTables(let list): node = list[list.count - 1]
            case .value: throw fail("'\(part)' in [\(name)] is already a value, not a table")
            }
        }
        let last = path[path.count - 1]
        if isArray {
            let child = TableNode(.header)
            switch node.entries[last] {
            case nil: node.set(last, .arrayOfTables([child]))
            case .arrayOfTables(let list): node.set(last, .arrayOfTables(list + [child]))
            default: throw fail("[[\(name)]] names something that is not an array of tables")
            }
            return child
        }
        switch node.entries[last] {
        case nil:
            let child = TableNode(.header)
            node.set(last, .table(child))
            return child
        case .table(let child) where child.origin == .implicit:
            child.origin = .header
            return child
        default: throw fail("table [\(name)] is defined twice")
        }
    }

    /// `key = value` into `table` (a document table or an inline table being read).
    mutating func keyValue(into table: TableNode, depth: Int) throws(TOMLSyntaxError) {
        let path = try key()
        skipSpaces()
        try expect("=", "'=' after the key")
        skipSpaces()
        let v = try value(depth: depth)
        var node = table
        for part in path.dropLast() {
            switch node.entries[part] {
            case nil:
                let child = TableNode(.dotted)
                node.set(part, .table(child))
                node = child
            case .table(let child) where child.origin == .dotted: node = child
            default: throw fail("the dotted key \(path.joined(separator: ".")) extends '\(part)', which is already defined")
            }
        }
        let last = path[path.count - 1]
        guard node.entries[last] == nil else { throw fail("key '\(path.joined(separator: "."))' is defined twice") }
        node.set(last, .value(v))
    }

    /// A possibly dotted key: bare, "basic" or 'literal' parts joined by dots.
    mutating func key() throws(TOMLSyntaxError) -> [String] {
        var parts: [String] = []
        while true {
            guard parts.count < TOMLDocument.maximumDepth else { throw fail("key has more than \(TOMLDocument.maximumDepth) parts") }
            switch peek() {
            case UInt8(ascii: "\""): parts.append(try basicString())
            case UInt8(ascii: "'"): parts.append(try literalString())
            default:
                let start = pos
                while let b = peek(), isBareKeyByte(b) { pos += 1 }
                guard pos > start else { throw fail("expected a key\(found)") }
                parts.append(String(decoding: bytes[start..<pos], as: UTF8.self))
            }
            skipSpaces()
            guard peek() == UInt8(ascii: ".") else { return parts }
            pos += 1
            skipSpaces()
        }
    }

    func isBareKeyByte(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x2D
    }

    // MARK: values

    mutating func value(depth: Int) throws(TOMLSyntaxError) -> TOMLValue {
        guard depth < TOMLDocument.maximumDepth else { throw fail("arrays and tables nested more than \(TOMLDocument.maximumDepth) deep") }
        switch peek() {
        case nil: throw fail("expected a value, found the end of the file")
        case UInt8(ascii: "\""):
            if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") { return .string(try multilineString(literal: false)) }
            return .string(try basicString())
        case UInt8(ascii: "'"):
            if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") { return .string(try multilineString(literal: true)) }
            return .string(try literalString())
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "{"): return try inlineTable(depth: depth)
        default: return try scalar()
        }
    }

    mutating func array(depth: Int) throws(TOMLSyntaxError) -> TOMLValue {
        pos += 1
        var items: [TOMLValue] = []
        while true {
            try skipBlank()
            if peek() == UInt8(ascii: "]") { pos += 1; return .array(items) }
            items.append(try value(depth: depth + 1))
            try skipBlank()
            if peek() == UInt8(ascii: ",") { pos += 1; continue }
            try expect("]", "',' or ']' in an array")
            return .array(items)
        }
    }

    mutating func inlineTable(depth: Int) throws(TOMLSyntaxError) -> TOMLValue {
        pos += 1
        let node = TableNode(.header)
        skipSpaces()
        if peek() == UInt8(ascii: "}") { pos += 1; return .table(node.table()) }
        while true {
            skipSpaces()
            try keyValue(into: node, depth: depth + 1)
            skipSpaces()
            if peek() == UInt8(ascii: ",") { pos += 1; continue }
            try expect("}", "',' or '}' in an inline table (inline tables stay on one line)")
            return .table(node.table())
        }
    }

    // MARK: strings

    mutating func basicString() throws(TOMLSyntaxError) -> String {
        pos += 1
        var out: [UInt8] = []
        while true {
            guard let b = peek() else { throw fail("string not closed before the end of the file") }
            switch b {
            case UInt8(ascii: "\""): pos += 1; return String(decoding: out, as: UTF8.self)
            case 0x0A, 0x0D: throw fail("string not closed before the end of the line")
            case UInt8(ascii: "\\"): try escape(into: &out)
            default:
                guard b >= 0x20 || b == 0x09, b != 0x7F else { throw fail("control character in a string") }
                out.append(b)
                pos += 1
            }
        }
    }

    mutating func literalString() throws(TOMLSyntaxError) -> String {
        pos += 1
        let start = pos
        while true {
            guard let b = peek() else { throw fail("string not closed before the end of the file") }
            if b == UInt8(ascii: "'") { pos += 1; return String(decoding: bytes[start..<(pos - 1)], as: UTF8.self) }
            if b == 0x0A || b == 0x0D { throw fail("string not closed before the end of the line") }
            guard b >= 0x20 || b == 0x09, b != 0x7F else { throw fail("control character in a string") }
            pos += 1
        }
    }

    /// `"""…"""` or `'''…'''`; a newline right after the opening quotes is dropped.
    mutating func multilineString(literal: Bool) throws(TOMLSyntaxError) -> String {
        let quote = literal ? UInt8(ascii: "'") : UInt8(ascii: "\"")
        pos += 3
        _ = try newline()
        var out: [UInt8] = []
        while true {
            guard let b = peek() else { throw fail("multi-line string not closed before the end of the file") }
            if b == quote {
                var run = 0
                while peek(run) == quote { run += 1 }
                if run >= 3 {
                    guard run <= 5 else { throw fail("too many quotes closing a multi-line string") }
                    out.append(contentsOf: repeatElement(quote, count: run - 3))
                    pos += run
                    return String(decoding: out, as: UTF8.self)
                }
                out.append(contentsOf: repeatElement(quote, count: run))
                pos += run
            } else if !literal && b == UInt8(ascii: "\\") {
                if try lineEndingBackslash() { continue }
                try escape(into: &out)
            } else if b == 0x0D {
                guard peek(1) == 0x0A else { throw fail("a carriage return must be followed by a line feed") }
                out.append(contentsOf: [0x0D, 0x0A])
                pos += 2
            } else {
                guard b >= 0x20 || b == 0x09 || b == 0x0A, b != 0x7F else { throw fail("control character in a string") }
                out.append(b)
                pos += 1
            }
        }
    }

    /// A backslash ending a line in a multi-line basic string trims the newline and the blanks after it.
    mutating func lineEndingBackslash() throws(TOMLSyntaxError) -> Bool {
        var i = pos + 1
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        guard i < bytes.count, bytes[i] == 0x0A || bytes[i] == 0x0D else { return false }
        pos = i
        while let b = peek(), b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
            if b == 0x0D { guard try newline() else { return true }; continue }
            pos += 1
        }
        return true
    }

    mutating func escape(into out: inout [UInt8]) throws(TOMLSyntaxError) {
        pos += 1
        guard let e = peek() else { throw fail("escape not finished before the end of the file") }
        pos += 1
        switch e {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = e == UInt8(ascii: "u") ? 4 : 8
            var code: UInt32 = 0
            for _ in 0..<count {
                guard let h = peek(), let digit = hexValue(h) else { throw fail("expected \(count) hexadecimal digits after \\\(Character(Unicode.Scalar(e)))") }
                code = code &* 16 &+ UInt32(digit)
                pos += 1
            }
            guard let scalar = Unicode.Scalar(code) else { throw fail("\\\(Character(Unicode.Scalar(e))) escape is not a Unicode scalar value") }
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            pos -= 1
            throw fail("unknown escape sequence in a string")
        }
    }

    func hexValue(_ b: UInt8) -> Int? {
        switch b {
        case 0x30...0x39: return Int(b - 0x30)
        case 0x41...0x46: return Int(b - 0x41 + 10)
        case 0x61...0x66: return Int(b - 0x61 + 10)
        default: return nil
        }
    }

    // MARK: numbers, booleans, dates

    mutating func scalar() throws(TOMLSyntaxError) -> TOMLValue {
        let start = pos
        while let b = peek(), isScalarByte(b) { pos += 1 }
        // A date and a time may be separated by one space: 1979-05-27 07:32:00.
        if pos - start == 10, peek() == 0x20, let d1 = peek(1), let d2 = peek(2), peek(3) == UInt8(ascii: ":"),
           isDigit(d1), isDigit(d2), bytes[start + 4] == UInt8(ascii: "-") {
            pos += 1
            while let b = peek(), isScalarByte(b) { pos += 1 }
        }
        guard pos > start else { throw fail("expected a value\(found)") }
        let token = String(decoding: bytes[start..<pos], as: UTF8.self)
        switch token {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        let chars = Array(bytes[start..<pos])
        if chars.contains(UInt8(ascii: ":")) || (chars.count >= 10 && chars[4] == UInt8(ascii: "-") && chars[0..<4].allSatisfy(isDigit)) {
            let allowed = Set("0123456789-:.TtZz+ ".utf8)
            guard chars.allSatisfy({ allowed.contains($0) }) else { pos = start; throw fail("'\(token)' is not a valid date or time") }
            return .dateTime(token)
        }
        pos = start
        let v = try number(chars, token: token)
        pos = start + chars.count
        return v
    }

    func isScalarByte(_ b: UInt8) -> Bool {
        isBareKeyByte(b) || b == UInt8(ascii: "+") || b == UInt8(ascii: ".") || b == UInt8(ascii: ":")
    }

    func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    func number(_ chars: [UInt8], token: String) throws(TOMLSyntaxError) -> TOMLValue {
        // Made only when thrown: `fail` finds the line and column from the start (linear in the position).
        func invalid() -> TOMLSyntaxError {
            fail("'\(token.count > 40 ? String(token.prefix(40)) + "…" : token)' is not a valid value (expected a number, string, boolean, array or table)")
        }
        if chars.count > 2, chars[0] == UInt8(ascii: "0"), let radix = [UInt8(ascii: "x"): 16, UInt8(ascii: "o"): 8, UInt8(ascii: "b"): 2][chars[1]] {
            guard let digits = digitsWithUnderscores(chars[2...], allowed: { hexValue($0).map { $0 < radix } ?? false }) else { throw invalid() }
            guard let n = Int(String(decoding: digits, as: UTF8.self), radix: radix) else { throw fail("integer \(token) is out of range") }
            return .integer(n)
        }
        var i = 0
        var text: [UInt8] = []
        if i < chars.count, chars[i] == UInt8(ascii: "+") || chars[i] == UInt8(ascii: "-") { text.append(chars[i]); i += 1 }
        func run(_ from: Int) -> Int {
            var j = from
            while j < chars.count, isDigit(chars[j]) || chars[j] == UInt8(ascii: "_") { j += 1 }
            return j
        }
        let intEnd = run(i)
        guard let intDigits = digitsWithUnderscores(chars[i..<intEnd], allowed: isDigit) else { throw invalid() }
        if intDigits.count > 1 && intDigits[0] == UInt8(ascii: "0") { throw fail("'\(token)': leading zeros are not allowed") }
        text += intDigits
        i = intEnd
        var isFloat = false
        if i < chars.count, chars[i] == UInt8(ascii: ".") {
            let fracEnd = run(i + 1)
            guard let frac = digitsWithUnderscores(chars[(i + 1)..<fracEnd], allowed: isDigit) else { throw invalid() }
            text.append(UInt8(ascii: ".")); text += frac
            i = fracEnd
            isFloat = true
        }
        if i < chars.count, chars[i] == UInt8(ascii: "e") || chars[i] == UInt8(ascii: "E") {
            text.append(UInt8(ascii: "e"))
            i += 1
            if i < chars.count, chars[i] == UInt8(ascii: "+") || chars[i] == UInt8(ascii: "-") { text.append(chars[i]); i += 1 }
            let expEnd = run(i)
            guard let exp = digitsWithUnderscores(chars[i..<expEnd], allowed: isDigit) else { throw invalid() }
            text += exp
            i = expEnd
            isFloat = true
        }
        guard i == chars.count else { throw invalid() }
        let s = String(decoding: text, as: UTF8.self)
        if isFloat {
            guard let d = Double(s) else { throw invalid() }
            return .float(d)
        }
        guard let n = Int(s) else { throw fail("integer \(token.count > 40 ? String(token.prefix(40)) + "…" : token) is out of range (at most \(Int.max))") }
        return .integer(n)
    }

    /// The digits of `slice` with single underscores between digits removed; nil if empty or malformed.
    func digitsWithUnderscores(_ slice: ArraySlice<UInt8>, allowed: (UInt8) -> Bool) -> [UInt8]? {
        var out: [UInt8] = []
        var previousWasDigit = false
        for b in slice {
            if b == UInt8(ascii: "_") {
                guard previousWasDigit else { return nil }
                previousWasDigit = false
            } else {
                guard allowed(b) else { return nil }
                out.append(b)
                previousWasDigit = true
            }
        }
        return previousWasDigit ? out : nil
    }
}
