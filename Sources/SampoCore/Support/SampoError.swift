/// Every error Sampo reports to a user. `usage` errors are bad input (a file, a flag, a
/// parameter) and end the CLI with status 2; `runtime` errors end it with status 1.
public struct SampoError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Sendable { case usage, runtime }
    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func usage(_ message: String) -> SampoError { SampoError(.usage, message) }
    public static func runtime(_ message: String) -> SampoError { SampoError(.runtime, message) }

    public var description: String { message }
}
