/// The value of a sampler parameter. As input it may be given in any convenient form (a number,
/// a whole number, text such as `"300"` or `"on"` from a command line); the registry checks it
/// against the parameter's description and stores it in the parameter's own kind.
public enum ParameterValue: Sendable, Hashable, CustomStringConvertible,
                            ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral,
                            ExpressibleByStringLiteral, ExpressibleByBooleanLiteral {
    case real(Double)
    case integer(Int)
    /// A named choice, or unparsed text from a command line or file.
    case text(String)
    case flag(Bool)

    public init(floatLiteral value: Double) { self = .real(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(booleanLiteral value: Bool) { self = .flag(value) }

    public var description: String {
        switch self {
        case .real(let x): return "\(x)"
        case .integer(let n): return "\(n)"
        case .text(let s): return s
        case .flag(let b): return b ? "on" : "off"
        }
    }
}
