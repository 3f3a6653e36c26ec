/// A target written as a formula: π ∝ exp(−energy(x)) or exp(log_density(x)), compiled once into
/// an `ExpressionProgram` whose gradient is exact (reverse-mode automatic differentiation).
public final class ExpressionTarget: LogDensity, @unchecked Sendable {
    public let dimension: Int
    public let program: ExpressionProgram
    /// The formula as written.
    public let formula: String

    /// `isEnergy`: the formula is an energy (π ∝ e^{−formula}); otherwise a log density.
    public init(formula: String, isEnergy: Bool, dimension: Int,
                constants: [String: ExpressionCompiler.Constant] = [:]) throws(ExpressionError) {
        guard dimension >= 1 else { throw ExpressionError(column: 1, "the dimension must be at least 1, found \(dimension)") }
        self.dimension = dimension
        self.formula = formula
        // Parsing and compiling recurse as deep as the formula nests (up to ExpressionParser.maximumDepth).
        let compiled = LargeStack.run { () -> Result<ExpressionProgram, ExpressionError> in
            do throws(ExpressionError) {
                let tree = try ExpressionParser.parse(formula)
                return .success(try ExpressionCompiler.compile(tree, dimension: dimension, constants: constants, negate: isEnergy))
            } catch { return .failure(error) }
        }
        program = try compiled.get()
    }

    public func logDensity(at x: UnsafePointer<Double>) -> Double {
        program.value(at: x)
    }

    public func logDensityAndGradient(at x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>) -> Double {
        program.valueAndGradient(at: x, gradient: gradient)
    }
}
