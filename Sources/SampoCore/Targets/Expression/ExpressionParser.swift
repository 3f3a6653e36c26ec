/// Recursive-descent parser over the formula's characters.
public struct ExpressionParser {
    private let chars: [Character]
    private var at = 0

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
        while let c = peek(), c == "+" || c == "-" {
            let column = at + 1
            at += 1
            left = .binary(c, left, try term(), column: column)
        }
        return left
    }

    // multiplicative := unary (('*' | '/') unary)*
    private mutating func term() throws(ExpressionError) -> ExpressionNode {
        var left = try unary()
        while let c = peek(), c == "*" || c == "/" {
            let column = at + 1
            at += 1
            left = .binary(c, left, try unary(), column: column)
        }
        return left
    }

    // unary := ('-' | '+') unary | power
    private mutating func unary() throws(ExpressionError) -> ExpressionNode {
        if let c = peek(), c == "-" || c == "+" {
            let column = at + 1
            at += 1
            let operand = try unary()
            return c == "-" ? .unary("-", operand, column: column) : operand
        }
        return try power()
    }

    // power := primary ('^' unary)?   (right-associative: the exponent may itself be a power)
    private mutating func power() throws(ExpressionError) -> ExpressionNode {
        let base = try primary()
        if peek() == "^" {
            let column = at + 1
            at += 1
            return .binary("^", base, try unary(), column: column)
        }
        return base
    }

    private mutating func primary() throws(ExpressionError) -> ExpressionNode {
        guard let c = peek() else { throw ExpressionError(column: at + 1, "expected a value, found the end of the formula") }
        let column = at + 1
        if c == "(" {
            at += 1
            let inner = try expression()
            try expect(")", "')' to close the '(' at column \(column)")
            return inner
        }
        if c.isNumber || c == "." { return try number() }
        if c.isLetter || c == "_" {
            let name = identifier()
            if peek() == "[" {
                at += 1
                let index = try expression()
                try expect("]", "']' to close the '[' of \(name)")
                return .subscripted(name, index: index, column: column)
            }
            if peek() == "(" {
                at += 1
                if name == "sum" || name == "prod" { return try reduction(name, column: column) }
                var arguments: [ExpressionNode] = []
                if peek() != ")" {
                    arguments.append(try expression())
                    while peek() == "," { at += 1; arguments.append(try expression()) }
                }
                try expect(")", "')' to close the call of \(name)")
                return .call(name, arguments: arguments, column: column)
            }
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
        try expect(":", "':' between the bounds of \(kind)'s range")
        let upper = try expression()
        try expect(",", "',' after \(kind)'s range")
        let body = try expression()
        try expect(")", "')' to close \(kind)")
        return .reduction(kind, variable: variable, lower: lower, upper: upper, body: body, column: column)
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
        return .number(v, column: start + 1)
    }
}
