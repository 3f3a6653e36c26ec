/// Recursive-descent parser over the formula's characters.
///
/// A formula may nest at most `maximumDepth` levels: parentheses, calls, subscripts and unary signs
/// each count one, and so does every operator of a chain (a sum of n written-out terms is n levels
/// deep; `sum(i in a:b, …)` is one). Deeper formulas are refused with the column where the limit
/// was crossed, rather than overflowing the stack; `ExpressionTarget` parses and compiles on a
/// thread whose stack holds that depth.
public struct ExpressionParser {
    public static let maximumDepth = 10_000
    private let chars: [Character]
    private var at = 0
    /// The depth of the node the last parsing function returned, and how deep the parser has recursed.
    private var lastDepth = 0
    private var nesting = 0

    public static func parse(_ text: String) throws(ExpressionError) -> ExpressionNode {
        var p = ExpressionParser(chars: Array(text))
        let node = try p.expression()
        p.skipSpace()
        if p.at < p.chars.count {
            throw ExpressionError(column: p.at + 1, p.chars[p.at] == ")" ? "unbalanced ')'" : "unexpected '\(p.chars[p.at])'")
        }
        return node
    }

    private init(chars: [Character]) { self.chars = chars }

    /// Records a node `depth` levels deep, refusing one beyond `maximumDepth`.
    private mutating func made(_ node: ExpressionNode, depth: Int) throws(ExpressionError) -> ExpressionNode {
        guard depth <= Self.maximumDepth else { throw tooDeep(node.column) }
        lastDepth = depth
        return node
    }

    private func tooDeep(_ column: Int) -> ExpressionError {
        ExpressionError(column: column, "the formula nests deeper than \(Self.maximumDepth) levels (each parenthesis, call, sign and each "
                        + "operator of a chain counts one); write long sums as sum(i in a:b, …)")
    }

    /// Enters one level of the parser's recursion (parentheses, subscripts, calls, signs).
    private mutating func enter(_ column: Int) throws(ExpressionError) {
        nesting += 1
        if nesting > Self.maximumDepth { throw tooDeep(column) }
    }

    private mutating func skipSpace() {
        while at < chars.count, chars[at] == " " || chars[at] == "\t" || chars[at] == "\n" || chars[at] == "\r" { at += 1 }
    }

    private mutating func peek() -> Character? {
        skipSpace()
        return at < chars.count ? chars[at] : nil
    }

    private mutating func expect(_ c: Character, _ what: String) throws(ExpressionError) {
        guard peek() == c else {
            let found = at < chars.count ? "'\(chars[at])'" : "the end of the formula"
            throw ExpressionError(column: at + 1, "expected \(what), found \(found)")
        }
        at += 1
    }

    // additive := multiplicative (('+' | '-') multiplicative)*
    private mutating func expression() throws(ExpressionError) -> ExpressionNode {
        var left = try term()
        var depth = lastDepth
        while let c = peek(), c == "+" || c == "-" {
            let column = at + 1
            at += 1
            let right = try term()
            depth = max(depth, lastDepth) + 1
            left = try made(.binary(c, left, right, column: column), depth: depth)
        }
        lastDepth = depth
        return left
    }

    // multiplicative := unary (('*' | '/') unary)*
    private mutating func term() throws(ExpressionError) -> ExpressionNode {
        var left = try unary()
        var depth = lastDepth
        while let c = peek(), c == "*" || c == "/" {
            let column = at + 1
            at += 1
            let right = try unary()
            depth = max(depth, lastDepth) + 1
            left = try made(.binary(c, left, right, column: column), depth: depth)
        }
        lastDepth = depth
        return left
    }

    // unary := ('-' | '+') unary | power
    private mutating func unary() throws(ExpressionError) -> ExpressionNode {
        if let c = peek(), c == "-" || c == "+" {
            let column = at + 1
            at += 1
            try enter(column)
            defer { nesting -= 1 }
            let operand = try unary()
            return c == "-" ? try made(.unary("-", operand, column: column), depth: lastDepth + 1) : operand
        }
        return try power()
    }

    // power := primary ('^' unary)?   (right-associative: the exponent may itself be a power)
    private mutating func power() throws(ExpressionError) -> ExpressionNode {
        let base = try primary()
        if peek() == "^" {
            let baseDepth = lastDepth
            let column = at + 1
            at += 1
            try enter(column)
            defer { nesting -= 1 }
            let exponent = try unary()
            return try made(.binary("^", base, exponent, column: column), depth: max(baseDepth, lastDepth) + 1)
        }
        return base
    }

    private mutating func primary() throws(ExpressionError) -> ExpressionNode {
        guard let c = peek() else { throw ExpressionError(column: at + 1, "expected a value, found the end of the formula") }
        let column = at + 1
        if c == "(" {
            at += 1
            try enter(column)
            defer { nesting -= 1 }
            let inner = try expression()
            try expect(")", "')' to close the '(' at column \(column)")
            return inner
        }
        if c.isNumber || c == "." { return try number() }
        if c.isLetter || c == "_" {
            let name = identifier()
            if peek() == "[" {
                at += 1
                try enter(column)
                defer { nesting -= 1 }
                let index = try expression()
                try expect("]", "']' to close the '[' of \(name)")
                return try made(.subscripted(name, index: index, column: column), depth: lastDepth + 1)
            }
            if peek() == "(" {
                at += 1
                try enter(column)
                defer { nesting -= 1 }
                if name == "sum" || name == "prod" { return try reduction(name, column: column) }
                var arguments: [ExpressionNode] = []
                var depth = 0
                if peek() != ")" {
                    arguments.append(try expression()); depth = lastDepth
                    while peek() == "," { at += 1; arguments.append(try expression()); depth = max(depth, lastDepth) }
                }
                try expect(")", "')' to close the call of \(name)")
                return try made(.call(name, arguments: arguments, column: column), depth: depth + 1)
            }
            lastDepth = 1
            return .name(name, column: column)
        }
        throw ExpressionError(column: column, c == ")" ? "unbalanced ')'" : "unexpected '\(c)'")
    }

    // sum(i in lower:upper, body)
    private mutating func reduction(_ kind: String, column: Int) throws(ExpressionError) -> ExpressionNode {
        guard let c = peek(), c.isLetter || c == "_" else {
            throw ExpressionError(column: at + 1, "\(kind) expects an index: \(kind)(i in 1:d, …)")
        }
        let variable = identifier()
        skipSpace()
        let inColumn = at + 1
        guard identifier() == "in" else { throw ExpressionError(column: inColumn, "expected 'in' after \(kind)'s index \(variable)") }
        let lower = try expression()
        var depth = lastDepth
        try expect(":", "':' between the bounds of \(kind)'s range")
        let upper = try expression()
        depth = max(depth, lastDepth)
        try expect(",", "',' after \(kind)'s range")
        let body = try expression()
        depth = max(depth, lastDepth)
        try expect(")", "')' to close \(kind)")
        return try made(.reduction(kind, variable: variable, lower: lower, upper: upper, body: body, column: column), depth: depth + 1)
    }

    private mutating func identifier() -> String {
        var s = ""
        while at < chars.count, chars[at].isLetter || chars[at].isNumber || chars[at] == "_" { s.append(chars[at]); at += 1 }
        return s
    }

    /// A decimal number: digits, optional fraction, optional exponent (1, 1.0, .5, 1e-3, 2.5E+4).
    private mutating func number() throws(ExpressionError) -> ExpressionNode {
        let start = at
        func digits() { while at < chars.count, chars[at].isASCII, chars[at].isNumber { at += 1 } }
        digits()
        if at < chars.count, chars[at] == "." { at += 1; digits() }
        if at < chars.count, chars[at] == "e" || chars[at] == "E" {
            let mark = at
            at += 1
            if at < chars.count, chars[at] == "+" || chars[at] == "-" { at += 1 }
            let before = at
            digits()
            if at == before { at = mark }   // not an exponent after all
        }
        let text = String(chars[start..<at])
        guard let v = Double(text), v.isFinite else { throw ExpressionError(column: start + 1, "'\(text)' is not a number") }
        lastDepth = 1
        return .number(v, column: start + 1)
    }
}
