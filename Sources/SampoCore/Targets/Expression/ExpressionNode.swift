/// The syntax of energy formulas: numbers, names, `x[i]`-style subscripts, calls, `+ − * / ^`
/// (`^` right-associative and binding tighter than unary minus, so `-x[1]^2` is −(x₁²)), and
/// `sum(i in a:b, body)` / `prod(i in a:b, body)`. Every node keeps the column (1-based) where it
/// starts, for error messages.
public indirect enum ExpressionNode: Sendable, Equatable {
    case number(Double, column: Int)
    case name(String, column: Int)
    case subscripted(String, index: ExpressionNode, column: Int)
    case call(String, arguments: [ExpressionNode], column: Int)
    case unary(Character, ExpressionNode, column: Int)
    case binary(Character, ExpressionNode, ExpressionNode, column: Int)
    /// `sum` or `prod` over `variable` from `lower` to `upper` (inclusive).
    case reduction(String, variable: String, lower: ExpressionNode, upper: ExpressionNode, body: ExpressionNode, column: Int)

    public var column: Int {
        switch self {
        case .number(_, let c), .name(_, let c), .subscripted(_, _, let c), .call(_, _, let c),
             .unary(_, _, let c), .binary(_, _, _, let c), .reduction(_, _, _, _, _, let c): return c
        }
    }
}
