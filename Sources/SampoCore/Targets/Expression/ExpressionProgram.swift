import Foundation
import CGSL

/// A compiled formula: a flat sequence of instructions in static single assignment form
/// (instruction k writes slot k), evaluated forwards for the value and backwards for the exact
/// gradient (reverse-mode automatic differentiation). Evaluation allocates nothing: slots and
/// adjoints live in per-thread scratch.
public struct ExpressionProgram: Sendable {
    public enum Operation: UInt8, Sendable {
        case constant, input
        case add, subtract, multiply, divide, negate
        /// One operand a constant (`value`): v[a] + c, v[a] − c, c − v[a], v[a]·c, v[a]/c, c/v[a].
        case addConstant, subtractConstant, constantSubtract, multiplyConstant, divideConstant, constantDivide
        case power, powerConstant, square
        case exp, log, log1p, expm1, sqrt, abs, sin, cos, tan, tanh, sinh, cosh, atan
        case min, max, sigmoid, softplus, logSumExp, lgamma
        /// value + Σ ±v[s] over the list entries (an entry e ≥ 0 adds v[e], e < 0 subtracts v[~e]):
        /// a whole chain of +, − and unrolled sums in one instruction.
        case linear
    }

    public struct Instruction: Sendable {
        public var operation: Operation
        /// Operand slots (or, for `input`, the coordinate; for `logSumExp` and `linear`, the first entry in `lists`).
        public var a: Int32
        /// Second operand slot (or, for `logSumExp` and `linear`, the number of operands).
        public var b: Int32
        /// The constant, or the exponent of `powerConstant`.
        public var value: Double
    }

    public private(set) var instructions: [Instruction] = []
    /// Operand lists of n-ary instructions.
    public private(set) var lists: [Int32] = []
    /// Coordinates read (x has this many).
    public let dimension: Int

    public init(dimension: Int) { self.dimension = dimension }

    var count: Int { instructions.count }

    mutating func append(_ op: Operation, _ a: Int = 0, _ b: Int = 0, value: Double = 0) -> Int {
        instructions.append(Instruction(operation: op, a: Int32(a), b: Int32(b), value: value))
        return instructions.count - 1
    }

    mutating func appendList(_ op: Operation, _ operands: [Int], value: Double = 0) -> Int {
        let start = lists.count
        lists.append(contentsOf: operands.map { Int32($0) })
        return append(op, start, operands.count, value: value)
    }

    // MARK: Evaluation

    /// The value of the last instruction at x. +∞ (a pole, e.g. −lgamma at 0) is no density value:
    /// it is NaN, which samplers reject and count, rather than a point every proposal moves to.
    public func value(at x: UnsafePointer<Double>) -> Double {
        ExpressionScratch.with(count: instructions.count) { v, _ in Self.density(forward(x, v)) }
    }

    @inline(__always) static func density(_ f: Double) -> Double { f == .infinity ? .nan : f }

    /// The value at x, with its gradient written to `gradient` (dimension entries).
    public func valueAndGradient(at x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>) -> Double {
        ExpressionScratch.with(count: instructions.count) { v, adj in
            let f = forward(x, v)
            backward(v, adj, gradient)
            return Self.density(f)
        }
    }

    private func forward(_ x: UnsafePointer<Double>, _ v: UnsafeMutablePointer<Double>) -> Double {
        instructions.withUnsafeBufferPointer { ins in
            lists.withUnsafeBufferPointer { ls in
                for k in 0..<ins.count {
                    let i = ins[k]
                    let a = Int(i.a), b = Int(i.b)
                    switch i.operation {
                    case .constant: v[k] = i.value
                    case .input: v[k] = x[a]
                    case .add: v[k] = v[a] + v[b]
                    case .subtract: v[k] = v[a] - v[b]
                    case .multiply: v[k] = v[a] * v[b]
                    case .divide: v[k] = v[a] / v[b]
                    case .addConstant: v[k] = v[a] + i.value
                    case .subtractConstant: v[k] = v[a] - i.value
                    case .constantSubtract: v[k] = i.value - v[a]
                    case .multiplyConstant: v[k] = v[a] * i.value
                    case .divideConstant: v[k] = v[a] / i.value
                    case .constantDivide: v[k] = i.value / v[a]
                    case .negate: v[k] = -v[a]
                    case .power: v[k] = Foundation.pow(v[a], v[b])
                    case .powerConstant: v[k] = Foundation.pow(v[a], i.value)
                    case .square: v[k] = v[a] * v[a]
                    case .exp: v[k] = Foundation.exp(v[a])
                    case .log: v[k] = Foundation.log(v[a])
                    case .log1p: v[k] = Foundation.log1p(v[a])
                    case .expm1: v[k] = Foundation.expm1(v[a])
                    case .sqrt: v[k] = v[a].squareRoot()
                    case .abs: v[k] = Swift.abs(v[a])
                    case .sin: v[k] = Foundation.sin(v[a])
                    case .cos: v[k] = Foundation.cos(v[a])
                    case .tan: v[k] = Foundation.tan(v[a])
                    case .tanh: v[k] = Foundation.tanh(v[a])
                    case .sinh: v[k] = Foundation.sinh(v[a])
                    case .cosh: v[k] = Foundation.cosh(v[a])
                    case .atan: v[k] = Foundation.atan(v[a])
                    case .min: v[k] = Swift.min(v[a], v[b])
                    case .max: v[k] = Swift.max(v[a], v[b])
                    case .sigmoid: v[k] = Self.sigmoid(v[a])
                    case .softplus: v[k] = Self.softplus(v[a])
                    case .logSumExp:
                        var m = -Double.infinity
                        for j in a..<(a + b) { m = Swift.max(m, v[Int(ls[j])]) }
                        if !m.isFinite { v[k] = m; break }
                        var s = 0.0
                        for j in a..<(a + b) { s += Foundation.exp(v[Int(ls[j])] - m) }
                        v[k] = m + Foundation.log(s)
                    case .lgamma: v[k] = Foundation.lgamma(v[a])
                    case .linear:
                        var s = i.value
                        for j in a..<(a + b) {
                            let e = Int(ls[j])
                            if e >= 0 { s += v[e] } else { s -= v[~e] }
                        }
                        v[k] = s
                    }
                }
                return v[ins.count - 1]
            }
        }
    }

    private func backward(_ v: UnsafeMutablePointer<Double>, _ adj: UnsafeMutablePointer<Double>,
                          _ gradient: UnsafeMutablePointer<Double>) {
        for j in 0..<dimension { gradient[j] = 0 }
        let n = instructions.count
        for k in 0..<n { adj[k] = 0 }
        adj[n - 1] = 1
        instructions.withUnsafeBufferPointer { ins in
            lists.withUnsafeBufferPointer { ls in
                for k in stride(from: n - 1, through: 0, by: -1) {
                    let g = adj[k]
                    let i = ins[k]
                    let a = Int(i.a), b = Int(i.b)
                    switch i.operation {
                    case .constant: break
                    case .input: gradient[a] += g
                    case .add: adj[a] += g; adj[b] += g
                    case .subtract: adj[a] += g; adj[b] -= g
                    case .multiply: adj[a] += g * v[b]; adj[b] += g * v[a]
                    case .divide: adj[a] += g / v[b]; adj[b] -= g * v[k] / v[b]
                    case .addConstant, .subtractConstant: adj[a] += g
                    case .constantSubtract: adj[a] -= g
                    case .multiplyConstant: adj[a] += g * i.value
                    case .divideConstant: adj[a] += g / i.value
                    case .constantDivide: adj[a] -= g * v[k] / v[a]
                    case .negate: adj[a] -= g
                    case .power:
                        // d(a^b) = b a^(b−1) da + a^b log a db (the second term only where it is defined).
                        adj[a] += g * v[b] * Foundation.pow(v[a], v[b] - 1)
                        if v[a] > 0 { adj[b] += g * v[k] * Foundation.log(v[a]) }
                    case .powerConstant: adj[a] += g * i.value * Foundation.pow(v[a], i.value - 1)
                    case .square: adj[a] += 2 * g * v[a]
                    case .exp: adj[a] += g * v[k]
                    case .log: adj[a] += g / v[a]
                    case .log1p: adj[a] += g / (1 + v[a])
                    case .expm1: adj[a] += g * (v[k] + 1)
                    case .sqrt: adj[a] += g / (2 * v[k])
                    case .abs: adj[a] += v[a] > 0 ? g : (v[a] < 0 ? -g : 0)
                    case .sin: adj[a] += g * Foundation.cos(v[a])
                    case .cos: adj[a] -= g * Foundation.sin(v[a])
                    case .tan: adj[a] += g * (1 + v[k] * v[k])
                    case .tanh: adj[a] += g * (1 - v[k] * v[k])
                    case .sinh: adj[a] += g * Foundation.cosh(v[a])
                    case .cosh: adj[a] += g * Foundation.sinh(v[a])
                    case .atan: adj[a] += g / (1 + v[a] * v[a])
                    // Ties go to the first argument (a subgradient).
                    case .min: if v[a] <= v[b] { adj[a] += g } else { adj[b] += g }
                    case .max: if v[a] >= v[b] { adj[a] += g } else { adj[b] += g }
                    case .sigmoid: adj[a] += g * v[k] * (1 - v[k])
                    case .softplus: adj[a] += g * Self.sigmoid(v[a])
                    case .logSumExp:
                        for j in a..<(a + b) {
                            let s = Int(ls[j])
                            adj[s] += g * Foundation.exp(v[s] - v[k])
                        }
                    case .lgamma: adj[a] += g * gsl_sf_psi(v[a])
                    case .linear:
                        for j in a..<(a + b) {
                            let e = Int(ls[j])
                            if e >= 0 { adj[e] += g } else { adj[~e] -= g }
                        }
                    }
                }
            }
        }
    }

    /// 1/(1 + e^{−t}) without overflow for either sign.
    @inline(__always) static func sigmoid(_ t: Double) -> Double {
        t >= 0 ? 1 / (1 + Foundation.exp(-t)) : Foundation.exp(t) / (1 + Foundation.exp(t))
    }

    /// log(1 + eᵗ) = max(t, 0) + log1p(e^{−|t|}), stable for large |t|.
    @inline(__always) static func softplus(_ t: Double) -> Double {
        Swift.max(t, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(t)))
    }

    /// Applies an operation to constant operands (constant folding at compile time).
    static func fold(_ op: Operation, _ args: [Double], value: Double = 0) -> Double {
        var p = ExpressionProgram(dimension: 0)
        let slots = args.map { p.append(.constant, value: $0) }
        switch op {
        case .addConstant, .subtractConstant, .constantSubtract, .multiplyConstant, .divideConstant, .constantDivide:
            _ = p.append(op, slots[0], value: value)
        case .logSumExp: _ = p.appendList(op, slots)
        case .linear: _ = p.appendList(op, slots, value: value)
        default: _ = p.append(op, slots.first ?? 0, slots.count > 1 ? slots[1] : 0, value: value)
        }
        let none = [0.0]
        return none.withUnsafeBufferPointer { p.value(at: $0.baseAddress!) }
    }
}

/// Per-thread slots and adjoints for evaluating programs: each thread keeps one buffer and grows
/// it when a longer program comes, so chains running in parallel never share or allocate.
enum ExpressionScratch {
    final class Buffer {
        var pointer: UnsafeMutablePointer<Double>
        var capacity: Int
        init(capacity: Int) {
            self.capacity = capacity
            pointer = .allocate(capacity: capacity)
        }
        deinit { pointer.deallocate() }
    }

    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k) { raw in
            if let raw { Unmanaged<Buffer>.fromOpaque(raw).release() }
        }
        return k
    }()

    static func with<R>(count n: Int, _ body: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> R) -> R {
        let needed = Swift.max(2 * n, 2)
        let buffer: Buffer
        if let raw = pthread_getspecific(key) {
            buffer = Unmanaged<Buffer>.fromOpaque(raw).takeUnretainedValue()
            if buffer.capacity < needed {
                buffer.pointer.deallocate()
                buffer.pointer = .allocate(capacity: needed)
                buffer.capacity = needed
            }
        } else {
            buffer = Buffer(capacity: Swift.max(needed, 256))
            pthread_setspecific(key, Unmanaged.passRetained(buffer).toOpaque())
        }
        return body(buffer.pointer, buffer.pointer + n)
    }
}
