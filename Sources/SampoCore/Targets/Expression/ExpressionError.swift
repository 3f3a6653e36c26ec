/// A formula that cannot be parsed or compiled: what is wrong and at which column.
public struct ExpressionError: Error, Sendable, Equatable {
    public let column: Int
    public let message: String
    public init(column: Int, _ message: String) {
        self.column = column
        self.message = message
    }
}
