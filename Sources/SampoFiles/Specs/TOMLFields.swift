import Foundation
import SampoCore

/// Typed, validated access to the fields of one TOML table. Every error names the file and
/// the field and says what was expected. Integers are accepted wherever a real is expected
/// (users write `means = [[0, 0]]`).
public struct TOMLFields {
    public let file: String
    public let table: TOMLTable
    /// Dotted prefix of this table inside the file ("" at top level, "smooth." for [smooth], …).
    public let prefix: String

    public init(file: String, table: TOMLTable, prefix: String = "") {
        self.file = file
        self.table = table
        self.prefix = prefix
    }

    /// Parses TOML text; a syntax error names the file, line and column.
    public static func parse(_ text: String, file: String) throws(SampoError) -> TOMLTable {
        do { return try TOMLDocument.parse(text) } catch {
            throw .badFile(path: file, "not valid TOML at line \(error.line), column \(error.column): \(error.message)")
        }
    }

    public func error(_ field: String, _ expected: String) -> SampoError {
        .badFile(path: file, "field '\(Truncated.text(prefix + field))': \(Truncated.text(expected, limit: 400))")
    }

    /// Reads the file that `field` names; its errors say which file and field referred to it.
    func reading<T>(_ field: String, _ read: () throws(SampoError) -> T) throws(SampoError) -> T {
        do { return try read() } catch { throw self.error(field, error.message) }
    }

    public func has(_ key: String) -> Bool { table.contains(key: key) }

    /// A file named by `key`, resolved against the folder of the target file (not the working
    /// directory), so a target file and its data move together.
    public func path(_ key: String) throws(SampoError) -> String { resolved(try string(key)) }

    public func optionalPath(_ key: String) throws(SampoError) -> String? { try optionalString(key).map(resolved) }

    private func resolved(_ p: String) -> String {
        guard !p.hasPrefix("/"), file != "-" else { return p }
        return ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(p)
    }

    private func value(_ key: String) throws(SampoError) -> TOMLValue {
        guard let v = table[key] else { throw error(key, "missing (required)") }
        return v
    }

    public func string(_ key: String) throws(SampoError) -> String {
        let v = try value(key)
        guard let s = v.string else { throw error(key, "expected a string, found \(describe(v))") }
        return s
    }

    public func optionalString(_ key: String) throws(SampoError) -> String? {
        has(key) ? try string(key) : nil
    }

    public func int(_ key: String) throws(SampoError) -> Int {
        let v = try value(key)
        guard let i = v.int else { throw error(key, "expected an integer, found \(describe(v))") }
        return i
    }

    public func double(_ key: String) throws(SampoError) -> Double {
        try number(try value(key), field: key)
    }

    public func optionalDouble(_ key: String) throws(SampoError) -> Double? {
        has(key) ? try double(key) : nil
    }

    public func vector(_ key: String) throws(SampoError) -> [Double] {
        try numbers(try value(key), field: key)
    }

    /// An array of strings.
    public func strings(_ key: String) throws(SampoError) -> [String] {
        let a = try array(try value(key), field: key)
        var out: [String] = []
        for i in 0..<a.count {
            guard let s = a[i].string else { throw error("\(key)[\(i + 1)]", "expected a string, found \(describe(a[i]))") }
            out.append(s)
        }
        return out
    }

    public func optionalVector(_ key: String) throws(SampoError) -> [Double]? {
        has(key) ? try vector(key) : nil
    }

    /// An array of arrays of numbers (e.g. one mean per component).
    public func vectors(_ key: String) throws(SampoError) -> [[Double]] {
        let outer = try array(try value(key), field: key)
        var out: [[Double]] = []
        for i in 0..<outer.count {
            out.append(try numbers(outer[i], field: "\(key)[\(i + 1)]"))
        }
        return out
    }

    /// An array of matrices (e.g. one covariance per component).
    public func matrices(_ key: String) throws(SampoError) -> [[[Double]]] {
        let outer = try array(try value(key), field: key)
        var out: [[[Double]]] = []
        for i in 0..<outer.count {
            let rows = try array(outer[i], field: "\(key)[\(i + 1)]")
            var m: [[Double]] = []
            for r in 0..<rows.count { m.append(try numbers(rows[r], field: "\(key)[\(i + 1)][\(r + 1)]")) }
            out.append(m)
        }
        return out
    }

    /// A matrix given as an array of rows.
    public func matrix(_ key: String) throws(SampoError) -> [[Double]] {
        let rows = try array(try value(key), field: key)
        var m: [[Double]] = []
        for r in 0..<rows.count { m.append(try numbers(rows[r], field: "\(key)[\(r + 1)]")) }
        return m
    }

    public func subtable(_ key: String) throws(SampoError) -> TOMLFields {
        let v = try value(key)
        guard let t = v.table else { throw error(key, "expected a table, found \(describe(v))") }
        return TOMLFields(file: file, table: t, prefix: prefix + key + ".")
    }

    /// Rejects keys outside `allowed`, so a misspelt field is an error, not silently ignored.
    public func rejectUnknownKeys(allowed: Set<String>) throws(SampoError) {
        for key in table.keys.sorted() where !allowed.contains(key) {
            throw error(key, "unknown field (expected one of: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    // MARK: conversions

    private func number(_ v: TOMLValue, field: String) throws(SampoError) -> Double {
        let x: Double
        if let d = v.double { x = d } else if let i = v.int { x = Double(i) } else {
            throw error(field, "expected a number, found \(describe(v))")
        }
        guard x.isFinite else { throw error(field, "expected a finite number, found \(x)") }
        return x
    }

    private func array(_ v: TOMLValue, field: String) throws(SampoError) -> [TOMLValue] {
        guard let a = v.array else { throw error(field, "expected an array, found \(describe(v))") }
        return a
    }

    private func numbers(_ v: TOMLValue, field: String) throws(SampoError) -> [Double] {
        let a = try array(v, field: field)
        var out: [Double] = []
        for i in 0..<a.count { out.append(try number(a[i], field: "\(field)[\(i + 1)]")) }
        return out
    }

    private func describe(_ v: TOMLValue) -> String { v.kindDescription }
}
