/// The description of one sampler parameter: its kind, allowed range, default and meaning. It
/// drives the sampler listing, parameter parsing, experiment files and the Swift API alike, so a
/// parameter is defaulted and validated here and nowhere else.
public struct ParameterSpec: Sendable {
    /// What values the parameter takes.
    public enum Kind: Sendable, Equatable {
        /// A real number in an interval; `lowerOpen`/`upperOpen` exclude the ends.
        case real(lower: Double, upper: Double, lowerOpen: Bool, upperOpen: Bool)
        case integer(minimum: Int)
        case choice([String])
        case flag
    }

    public let name: String
    public let kind: Kind
    /// nil when the default is computed from the target (e.g. friction = 2√L) or the parameter is optional.
    public let defaultValue: ParameterValue?
    public let summary: String

    public init(name: String, kind: Kind, defaultValue: ParameterValue?, summary: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.summary = summary
    }

    /// A positive real (a scale or a rate).
    public static func positive(_ name: String, _ defaultValue: Double?, _ summary: String) -> ParameterSpec {
        ParameterSpec(name: name, kind: .real(lower: 0, upper: .infinity, lowerOpen: true, upperOpen: true),
                      defaultValue: defaultValue.map(ParameterValue.real), summary: summary)
    }

    /// A real strictly between `lower` and `upper`.
    public static func fraction(_ name: String, _ defaultValue: Double, in lower: Double, _ upper: Double,
                                _ summary: String) -> ParameterSpec {
        ParameterSpec(name: name, kind: .real(lower: lower, upper: upper, lowerOpen: true, upperOpen: true),
                      defaultValue: .real(defaultValue), summary: summary)
    }

    public static func integer(_ name: String, _ defaultValue: Int, minimum: Int, _ summary: String) -> ParameterSpec {
        ParameterSpec(name: name, kind: .integer(minimum: minimum), defaultValue: .integer(defaultValue), summary: summary)
    }

    public static func choice(_ name: String, _ defaultValue: String, _ options: [String], _ summary: String) -> ParameterSpec {
        ParameterSpec(name: name, kind: .choice(options), defaultValue: .text(defaultValue), summary: summary)
    }

    public static func flag(_ name: String, _ defaultValue: Bool, _ summary: String) -> ParameterSpec {
        ParameterSpec(name: name, kind: .flag, defaultValue: .flag(defaultValue), summary: summary)
    }

    /// A one-line description of the kind and range, for `sampo samplers`.
    public var kindDescription: String {
        switch kind {
        case .real(let lo, let hi, _, _) where lo == 0 && hi == .infinity: return "real > 0"
        case .real(let lo, let hi, let lowerOpen, let upperOpen):
            return "real in \(lowerOpen ? "(" : "[")\(lo), \(hi)\(upperOpen ? ")" : "]")"
        case .integer(let m): return "integer ≥ \(m)"
        case .choice(let options): return options.joined(separator: "|")
        case .flag: return "on|off"
        }
    }

    /// Checks `value` against the kind and range and returns it in the parameter's own kind.
    public func validate(_ value: ParameterValue) throws(SampoError) -> ParameterValue {
        let setting = SampoError.Setting.samplerParameter(name)
        switch kind {
        case .real(let lo, let hi, let lowerOpen, let upperOpen):
            let x: Double
            switch value {
            case .real(let v): x = v
            case .integer(let n): x = Double(n)
            case .text(let s):
                guard let v = Double(s) else { throw .invalid(setting, "expected a number, found '\(s)'") }
                x = v
            case .flag: throw .invalid(setting, "expected a number, found \(value)")
            }
            guard x.isFinite else { throw .invalid(setting, "expected a finite number, found \(x)") }
            let belowOK = lowerOpen ? x > lo : x >= lo, aboveOK = upperOpen ? x < hi : x <= hi
            guard belowOK && aboveOK else {
                if lo == 0 && hi == .infinity { throw .invalid(setting, "expected a positive number, found \(x)") }
                throw .invalid(setting, "expected a number in (\(lo), \(hi)), found \(x)")
            }
            return .real(x)
        case .integer(let minimum):
            let n: Int
            switch value {
            case .integer(let v): n = v
            case .real(let v) where v.rounded() == v && abs(v) < 9e15: n = Int(v)
            case .text(let s):
                guard let v = Int(s) else { throw .invalid(setting, "expected a whole number, found '\(s)'") }
                n = v
            default: throw .invalid(setting, "expected a whole number, found \(value)")
            }
            guard n >= minimum else { throw .invalid(setting, "expected at least \(minimum), found \(n)") }
            return .integer(n)
        case .choice(let options):
            guard case .text(let s) = value, options.contains(s) else {
                throw .invalid(setting, "unknown value '\(value)' (expected one of: \(options.joined(separator: ", ")))")
            }
            return value
        case .flag:
            switch value {
            case .flag: return value
            case .text(let s):
                switch s.lowercased() {
                case "on", "true", "1", "yes": return .flag(true)
                case "off", "false", "0", "no": return .flag(false)
                default: break
                }
            default: break
            }
            throw .invalid(setting, "expected on or off, found '\(value)'")
        }
    }
}
