/// Compiles a parsed formula into an `ExpressionProgram`. Sums and products are unrolled (their
/// bounds and every subscript are integers known at load time: sum/prod indices, `d`, lengths of
/// the constants), so every subscript is checked against its array here, constants are folded,
/// and the program reads x directly.
public struct ExpressionCompiler {
    /// Named constants: a real, or an array of reals (subscripted from 1).
    public enum Constant: Sendable, Equatable {
        case scalar(Double)
        case array([Double])
    }

    /// Functions by name with their number of arguments (nil: one or more).
    public static let functions: [String: Int?] = [
        "exp": 1, "log": 1, "log1p": 1, "expm1": 1, "sqrt": 1, "abs": 1, "sin": 1, "cos": 1, "tan": 1,
        "tanh": 1, "sinh": 1, "cosh": 1, "atan": 1, "sigmoid": 1, "softplus": 1, "lgamma": 1,
        "pow": 2, "min": 2, "max": 2, "log_sum_exp": nil, "length": 1,
    ]

    /// Programs longer than this are refused (unrolled sums over large ranges).
    public static let maximumInstructions = 20_000_000

    let dimension: Int
    let constants: [String: Constant]
    private var program: ExpressionProgram
    private var indices: [String: Int] = [:]
    /// Slots of x[j] already read, so that each coordinate is loaded once.
    private var inputSlots: [Int: Int] = [:]
    /// Instructions already emitted, by operation and operands: a repeated subexpression (such
    /// as exp(−x[1]) in every term of an unrolled sum) is computed once.
    private var emitted: [InstructionKey: Int] = [:]
    struct InstructionKey: Hashable { let op: UInt8, a: Int, b: Int, value: UInt64 }

    /// A compiled value: known at load time, or a slot of the program.
    enum Operand { case constant(Double), slot(Int) }

    /// Compiles `node` for x ∈ R^dimension; `negate` compiles −node (an energy into a log density).
    public static func compile(_ node: ExpressionNode, dimension: Int, constants: [String: Constant],
                               negate: Bool = false) throws(ExpressionError) -> ExpressionProgram {
        GSL.configure()   // lgamma's gradient is GSL's digamma: a pole gives NaN, not an abort
        for name in constants.keys where name == "x" || name == "d" || functions[name] != nil || name == "sum" || name == "prod" {
            throw ExpressionError(column: 1, "the constant '\(name)' has the name of a variable or function")
        }
        var c = ExpressionCompiler(dimension: dimension, constants: constants, program: ExpressionProgram(dimension: dimension))
        let result = negate ? try c.additive(node, sign: -1) : try c.compile(node)
        // The program's last instruction is the result.
        switch result {
        case .constant(let v): _ = c.program.append(.constant, value: v)
        case .slot(let s):
            if s != c.program.count - 1 {
                let zero = c.program.append(.constant, value: 0)
                _ = c.program.append(.add, s, zero)
            }
        }
        return c.program
    }

    private init(dimension: Int, constants: [String: Constant], program: ExpressionProgram) {
        self.dimension = dimension
        self.constants = constants
        self.program = program
    }

    private mutating func compile(_ node: ExpressionNode) throws(ExpressionError) -> Operand {
        switch node {
        case .number(let v, _):
            return .constant(v)
        case .name(let name, let column):
            if let i = indices[name] { return .constant(Double(i)) }
            if name == "d" { return .constant(Double(dimension)) }
            if let c = constants[name] {
                if case .scalar(let v) = c { return .constant(v) }
                throw ExpressionError(column: column, "'\(name)' is an array: write \(name)[i]")
            }
            if name == "x" { throw ExpressionError(column: column, "'x' is the vector of coordinates: write x[i]") }
            throw ExpressionError(column: column, "unknown variable '\(name)' (known: x[i], d, \(known))")
        case .subscripted(let name, let indexNode, let column):
            let i = try integer(indexNode, what: "the index of \(name)")
            if name == "x" {
                guard i >= 1 && i <= dimension else {
                    throw ExpressionError(column: column, "index \(i) of x is out of range 1…\(dimension)")
                }
                if let s = inputSlots[i - 1] { return .slot(s) }
                let s = try checked { p in p.append(.input, i - 1) }
                inputSlots[i - 1] = s
                return .slot(s)
            }
            guard let c = constants[name] else {
                throw ExpressionError(column: column, "unknown array '\(name)' (known: x\(arrays.isEmpty ? "" : ", " + arrays))")
            }
            guard case .array(let values) = c else { throw ExpressionError(column: column, "'\(name)' is a number, not an array") }
            guard i >= 1 && i <= values.count else {
                throw ExpressionError(column: column, "index \(i) of \(name) is out of range 1…\(values.count)")
            }
            return .constant(values[i - 1])
        case .unary, .binary("+", _, _, _), .binary("-", _, _, _), .reduction("sum", _, _, _, _, _):
            return try additive(node, sign: 1)
        case .binary(let op, let l, let r, let column):
            let a = try compile(l), b = try compile(r)
            switch op {
            case "*": return try emit(.multiply, [a, b], column: column)
            case "/": return try emit(.divide, [a, b], column: column)
            default: return try power(a, b, column: column)
            }
        case .call(let name, let arguments, let column):
            return try call(name, arguments, column: column)
        case .reduction(let kind, let variable, let lowerNode, let upperNode, let body, let column):
            let (lower, upper) = try bounds(kind, variable, lowerNode, upperNode, column: column)
            var total: Operand = .constant(1)
            if lower <= upper {
                for i in lower...upper {
                    indices[variable] = i
                    let term = try compile(body)
                    total = try emit(.multiply, [total, term], column: column)
                }
            }
            indices[variable] = nil
            return total
        }
    }

    /// The integer bounds of a sum or product, after checking that its index hides no other name.
    private mutating func bounds(_ kind: String, _ variable: String, _ lowerNode: ExpressionNode, _ upperNode: ExpressionNode,
                                 column: Int) throws(ExpressionError) -> (Int, Int) {
        guard indices[variable] == nil, variable != "x", variable != "d", constants[variable] == nil else {
            throw ExpressionError(column: column, "\(kind)'s index '\(variable)' hides another name")
        }
        return (try integer(lowerNode, what: "the lower bound of \(kind)"), try integer(upperNode, what: "the upper bound of \(kind)"))
    }

    // MARK: Linear combinations

    /// The terms of a chain of +, − and sums: a constant offset plus coefficient × slot.
    private struct LinearTerms {
        var offset = 0.0
        var slots: [(slot: Int, coefficient: Double)] = []
    }

    /// Compiles sign × node, flattening every +, −, unary minus and sum it is made of into one
    /// `linear` instruction. Terms of a sum that do not involve its index are computed once and
    /// multiplied by the number of terms (Σᵢ (fᵢ + g) = Σᵢ fᵢ + n·g).
    private mutating func additive(_ node: ExpressionNode, sign: Double) throws(ExpressionError) -> Operand {
        var terms = LinearTerms()
        try expand(node, coefficient: sign, into: &terms)
        var entries: [Int] = []
        for (slot, c) in terms.slots {
            if c == 1 { entries.append(slot) } else if c == -1 { entries.append(~slot) } else {
                guard case .slot(let s) = try emit(.multiply, [.slot(slot), .constant(c)], column: node.column) else { continue }
                entries.append(s)
            }
        }
        let offset = Operand.constant(terms.offset)
        switch entries.count {
        case 0: return offset
        case 1:
            let e = entries[0]
            if e >= 0 { return try emit(.add, [.slot(e), offset], column: node.column) }
            if terms.offset == 0 { return try emit(.negate, [.slot(~e)], column: node.column) }
            return try emit(.subtract, [offset, .slot(~e)], column: node.column)
        case 2 where terms.offset == 0 && (entries[0] >= 0 || entries[1] >= 0):
            let (e, f) = (entries[0], entries[1])
            if e >= 0 && f >= 0 { return try emit(.add, [.slot(e), .slot(f)], column: node.column) }
            return e >= 0 ? try emit(.subtract, [.slot(e), .slot(~f)], column: node.column)
                          : try emit(.subtract, [.slot(f), .slot(~e)], column: node.column)
        default:
            return .slot(try checked { p in p.appendList(.linear, entries, value: terms.offset) })
        }
    }

    private mutating func expand(_ node: ExpressionNode, coefficient c: Double, into terms: inout LinearTerms) throws(ExpressionError) {
        switch node {
        case .unary(_, let operand, _):
            try expand(operand, coefficient: -c, into: &terms)
        case .binary("+", let l, let r, _):
            try expand(l, coefficient: c, into: &terms)
            try expand(r, coefficient: c, into: &terms)
        case .binary("-", let l, let r, _):
            try expand(l, coefficient: c, into: &terms)
            try expand(r, coefficient: -c, into: &terms)
        case .reduction("sum", let variable, let lowerNode, let upperNode, let body, let column):
            let (lower, upper) = try bounds("sum", variable, lowerNode, upperNode, column: column)
            guard lower <= upper else { return }
            var summands: [(sign: Double, node: ExpressionNode)] = []
            Self.split(body, sign: 1, into: &summands)
            let count = Double(upper) - Double(lower) + 1
            for (sign, term) in summands where !term.mentions(variable) {
                try expand(term, coefficient: c * sign * count, into: &terms)
            }
            for i in lower...upper {
                indices[variable] = i
                for (sign, term) in summands where term.mentions(variable) {
                    try expand(term, coefficient: c * sign, into: &terms)
                }
            }
            indices[variable] = nil
        default:
            let (sign, stripped) = Self.leadingSign(node)
            switch try compile(stripped) {
            case .constant(let v): terms.offset += c * sign * v
            case .slot(let s): terms.slots.append((s, c * sign))
            }
        }
    }

    /// The summands of a chain of +, − and unary minus, with their signs.
    private static func split(_ node: ExpressionNode, sign: Double, into summands: inout [(sign: Double, node: ExpressionNode)]) {
        switch node {
        case .unary(_, let operand, _): split(operand, sign: -sign, into: &summands)
        case .binary("+", let l, let r, _): split(l, sign: sign, into: &summands); split(r, sign: sign, into: &summands)
        case .binary("-", let l, let r, _): split(l, sign: sign, into: &summands); split(r, sign: -sign, into: &summands)
        default: summands.append((sign, node))
        }
    }

    /// Moves minus signs out of products and quotients ((−a)·b/c = −(a·b/c), exactly in floating
    /// point), so that they become the sign of a term instead of an instruction.
    private static func leadingSign(_ node: ExpressionNode) -> (Double, ExpressionNode) {
        switch node {
        case .unary(_, let operand, _):
            let (s, inner) = leadingSign(operand)
            return (-s, inner)
        case .binary(let op, let l, let r, let column) where op == "*" || op == "/":
            let (sl, left) = leadingSign(l), (sr, right) = leadingSign(r)
            return (sl * sr, .binary(op, left, right, column: column))
        default:
            return (1, node)
        }
    }

    private var known: String { constants.keys.sorted().joined(separator: ", ").isEmpty ? "no constants" : constants.keys.sorted().joined(separator: ", ") }
    private var arrays: String {
        constants.filter { if case .array = $0.value { return true } else { return false } }.keys.sorted().joined(separator: ", ")
    }

    private mutating func call(_ name: String, _ args: [ExpressionNode], column: Int) throws(ExpressionError) -> Operand {
        guard let arity = Self.functions[name] else {
            throw ExpressionError(column: column, "unknown function '\(name)' (known: \(Self.functions.keys.sorted().joined(separator: ", ")), sum, prod)")
        }
        if let n = arity, args.count != n {
            throw ExpressionError(column: column, "\(name) takes \(n) argument\(n == 1 ? "" : "s"), found \(args.count)")
        }
        if arity == nil && args.isEmpty { throw ExpressionError(column: column, "\(name) takes one or more arguments, found none") }
        if name == "length" {
            guard case .name(let array, let c) = args[0], let value = constants[array], case .array(let values) = value else {
                throw ExpressionError(column: args[0].column, "length takes the name of an array constant")
            }
            _ = c
            return .constant(Double(values.count))
        }
        var operands: [Operand] = []
        for a in args { operands.append(try compile(a)) }
        let ops: [String: ExpressionProgram.Operation] = [
            "exp": .exp, "log": .log, "log1p": .log1p, "expm1": .expm1, "sqrt": .sqrt, "abs": .abs, "sin": .sin,
            "cos": .cos, "tan": .tan, "tanh": .tanh, "sinh": .sinh, "cosh": .cosh, "atan": .atan,
            "sigmoid": .sigmoid, "softplus": .softplus, "lgamma": .lgamma, "min": .min, "max": .max,
            "log_sum_exp": .logSumExp,
        ]
        if name == "pow" { return try power(operands[0], operands[1], column: column) }
        guard let op = ops[name] else { throw ExpressionError(column: column, "unknown function '\(name)'") }
        return try emit(op, operands, column: column)
    }

    /// a^b: a constant exponent becomes `square` or `powerConstant`.
    private mutating func power(_ a: Operand, _ b: Operand, column: Int) throws(ExpressionError) -> Operand {
        if case .constant(let e) = b, case .slot = a {
            if e == 1 { return a }
            if e == 2 { return try emit(.square, [a], column: column) }
            return try emit(.powerConstant, [a], value: e, column: column)
        }
        return try emit(.power, [a, b], column: column)
    }

    /// Appends an instruction, or folds it when every operand is known.
    private mutating func emit(_ op: ExpressionProgram.Operation, _ operands: [Operand], value: Double = 0,
                               column: Int) throws(ExpressionError) -> Operand {
        var constants: [Double] = []
        for o in operands { if case .constant(let v) = o { constants.append(v) } }
        if constants.count == operands.count {
            return .constant(ExpressionProgram.fold(op, constants, value: value))
        }
        // Adding 0 or multiplying by 1 (the start of sums and products) needs no instruction.
        if operands.count == 2 {
            if op == .add, case .constant(0) = operands[0] { return operands[1] }
            if (op == .add || op == .subtract), case .constant(0) = operands[1] { return operands[0] }
            if op == .multiply, case .constant(1) = operands[0] { return operands[1] }
            if (op == .multiply || op == .divide), case .constant(1) = operands[1] { return operands[0] }
        }
        // A binary operation with one constant operand carries the constant in the instruction.
        if operands.count == 2, op == .add || op == .subtract || op == .multiply || op == .divide {
            switch (operands[0], operands[1]) {
            case (.slot(let s), .constant(let c)):
                let fused: ExpressionProgram.Operation =
                    op == .add ? .addConstant : op == .subtract ? .subtractConstant : op == .multiply ? .multiplyConstant : .divideConstant
                return try emit(fused, [.slot(s)], value: c, column: column)
            case (.constant(let c), .slot(let s)):
                let fused: ExpressionProgram.Operation =
                    op == .add ? .addConstant : op == .subtract ? .constantSubtract : op == .multiply ? .multiplyConstant : .constantDivide
                return try emit(fused, [.slot(s)], value: c, column: column)
            default: break
            }
        }
        var slots: [Int] = []
        for o in operands {
            switch o {
            case .slot(let s): slots.append(s)
            case .constant(let v):
                let key = InstructionKey(op: ExpressionProgram.Operation.constant.rawValue, a: 0, b: 0, value: v.bitPattern)
                if let s = emitted[key] { slots.append(s); continue }
                let s = try checked { p in p.append(.constant, value: v) }
                emitted[key] = s
                slots.append(s)
            }
        }
        if op == .logSumExp { return .slot(try checked { p in p.appendList(op, slots) }) }
        let key = InstructionKey(op: op.rawValue, a: slots[0], b: slots.count > 1 ? slots[1] : 0, value: value.bitPattern)
        if let s = emitted[key] { return .slot(s) }
        let s = try checked { p in p.append(op, key.a, key.b, value: value) }
        emitted[key] = s
        return .slot(s)
    }

    private mutating func checked(_ add: (inout ExpressionProgram) -> Int) throws(ExpressionError) -> Int {
        guard program.count < Self.maximumInstructions else {
            throw ExpressionError(column: 1, "the formula unrolls to more than \(Self.maximumInstructions) operations")
        }
        return add(&program)
    }

    /// A subscript or bound: must be an integer known at load time.
    private mutating func integer(_ node: ExpressionNode, what: String) throws(ExpressionError) -> Int {
        let before = program.count
        let value = try compile(node)
        guard case .constant(let v) = value, program.count == before else {
            throw ExpressionError(column: node.column, "\(what) must be an integer known before sampling (indices, d, numbers, length(…)), not depend on x")
        }
        guard v == v.rounded(), abs(v) < 1e15 else {
            throw ExpressionError(column: node.column, "\(what) must be an integer, found \(v)")
        }
        return Int(v)
    }
}

extension ExpressionNode {
    /// Whether the formula uses the name (a sum or product index) anywhere.
    func mentions(_ name: String) -> Bool {
        switch self {
        case .number: return false
        case .name(let n, _): return n == name
        case .subscripted(_, let index, _): return index.mentions(name)
        case .call(_, let arguments, _): return arguments.contains { $0.mentions(name) }
        case .unary(_, let operand, _): return operand.mentions(name)
        case .binary(_, let l, let r, _): return l.mentions(name) || r.mentions(name)
        case .reduction(_, let variable, let lower, let upper, let body, _):
            return variable == name || lower.mentions(name) || upper.mentions(name) || body.mentions(name)
        }
    }
}
