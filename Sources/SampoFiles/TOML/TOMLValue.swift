/// A parsed TOML value. Sampo parses TOML itself (``TOMLDocument``) so that no input, however
/// malformed, can abort the process: every failure is a thrown ``TOMLSyntaxError``.
public indirect enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case float(Double)
    case bool(Bool)
    /// Offset/local date-times, dates and times are kept as written; no Sampo field takes one.
    case dateTime(String)
    case array([TOMLValue])
    case table(TOMLTable)

    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var int: Int? { if case .integer(let i) = self { return i } else { return nil } }
    public var double: Double? { if case .float(let d) = self { return d } else { return nil } }
    public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var array: [TOMLValue]? { if case .array(let a) = self { return a } else { return nil } }
    public var table: TOMLTable? { if case .table(let t) = self { return t } else { return nil } }

    /// "a string", "an integer", … for messages.
    public var kindDescription: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .float: return "a number"
        case .bool: return "a boolean"
        case .dateTime: return "a date or time"
        case .array: return "an array"
        case .table: return "a table"
        }
    }
}

/// A TOML table: keys in the order they were written, each with its value.
public struct TOMLTable: Sendable, Equatable {
    public private(set) var keys: [String] = []
    private var values: [String: TOMLValue] = [:]

    public init() {}

    public subscript(key: String) -> TOMLValue? { values[key] }

    public func contains(key: String) -> Bool { values[key] != nil }

    /// The same table without `key`.
    public func removing(_ key: String) -> TOMLTable {
        var t = TOMLTable()
        for k in keys where k != key { if let v = values[k] { t.set(k, v) } }
        return t
    }

    /// Sets `key`, keeping its first position if it already exists.
    public mutating func set(_ key: String, _ value: TOMLValue) {
        if values.updateValue(value, forKey: key) == nil { keys.append(key) }
    }
}
