import Foundation

/// Mutations of file contents from SplitMix64 (the fuzz tests' and a few fixed pseudo-random
/// sequences): the same on every run.
package struct Mutator {
    package var state: UInt64
    package init(state: UInt64) { self.state = state }
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    package mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }

    package static let tokens: [String] = [
        "[", "]", "{", "}", "[[", "]]", "\"", "'", "\"\"\"", "'''", "=", ",", "\n", "\r", "\r\n", "#", ".", "\\", "\\u",
        "0", "-1", "1e308", "-1e308", "1e-320", "9223372036854775807", "-9223372036854775808", "1000000000000",
        "nan", "inf", "-0", "0x", "1_", "_1", "true", "\"x\"", "[]", "{}", "\t", " ", "\u{0}", "é", "\u{FEFF}",
        "chain", "draw", ",,", "x1", "# sampo", "1.5", "+", "e", "E5",
    ]

    /// One to three edits: byte changes, token insertions, deletions, duplications, truncation, line swaps.
    package mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var b = input
        for _ in 0...below(3) {
            let at = below(b.count + 1)
            switch below(7) {
            case 0 where !b.isEmpty: b[min(at, b.count - 1)] = UInt8(truncatingIfNeeded: next())
            case 1: b.insert(contentsOf: Array(Self.tokens[below(Self.tokens.count)].utf8), at: at)
            case 2: b.removeSubrange(at..<min(b.count, at + 1 + below(20)))
            case 3:
                let span = b[at..<min(b.count, at + 1 + below(40))]
                b.insert(contentsOf: span, at: below(b.count + 1))
            case 4: b.removeSubrange(at..<b.count)
            case 5:
                var lines = b.split(separator: 0x0A, omittingEmptySubsequences: false)
                if lines.count > 1 { lines.swapAt(below(lines.count), below(lines.count)) }
                b = Array(lines.joined(separator: [0x0A]))
            default:
                // Replace a number with an extreme one.
                if let start = b.indices.dropFirst(at).first(where: { b[$0] >= 0x30 && b[$0] <= 0x39 }) {
                    var end = start
                    while end < b.count, (b[end] >= 0x30 && b[end] <= 0x39) || b[end] == 0x2E || b[end] == 0x65 { end += 1 }
                    let extreme = ["0", "-1", "1e308", "9223372036854775807", "1000000000000", "nan", "1e-320", "100000"][below(8)]
                    b.replaceSubrange(start..<end, with: Array(extreme.utf8))
                }
            }
        }
        return b
    }
}
