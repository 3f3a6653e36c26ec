import ArgumentParser

/// A comma-separated list of numbers each satisfying the option's rule (`--quantiles`: strictly
/// between 0 and 1; `--step-sizes`, `--accuracy`: positive and finite).
struct NumberList: ExpressibleByArgument, CustomStringConvertible {
    let values: [Double]

    init(_ values: [Double]) { self.values = values }

    /// Without a rule (ArgumentParser's own entry); the options use `parser(expecting:_:)`.
    init?(argument: String) { try? self.init(parsing: argument, expecting: "numbers", { $0.isFinite }) }

    init(parsing text: String, expecting what: String, _ accepts: (Double) -> Bool) throws {
        var out: [Double] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let x = Double(item.trimmingCharacters(in: .whitespaces)), accepts(x) else {
                throw ExpectedValue(description: "expected \(what), found '\(item.prefix(40))'")
            }
            out.append(x)
        }
        values = out
    }

    /// The transform of an option whose numbers must satisfy `accepts` (described as `what`).
    static func parser(expecting what: String, _ accepts: @escaping @Sendable (Double) -> Bool) -> @Sendable (String) throws -> NumberList {
        { try NumberList(parsing: $0, expecting: what, accepts) }
    }

    static let probabilities = parser(expecting: "probabilities strictly between 0 and 1") { $0 > 0 && $0 < 1 }
    static let positive = parser(expecting: "positive numbers") { $0.isFinite && $0 > 0 }

    var description: String { values.map { "\($0)" }.joined(separator: ",") }
}

/// A seed: a whole number from 0 to 2⁶⁴ − 1. Read with `parsing: .unconditional`, so `--seed -1` is
/// this message, not "Missing value".
enum SeedValue {
    static func parse(_ text: String) throws -> UInt64 {
        guard let v = UInt64(text.trimmingCharacters(in: .whitespaces)) else {
            throw ExpectedValue(description: "expected a whole number from 0 to \(UInt64.max), found '\(text.prefix(40))'")
        }
        return v
    }
}
