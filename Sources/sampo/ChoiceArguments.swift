import ArgumentParser

// Option values the command line parses into types. ArgumentParser names the flag and the value
// in its message ("The value 'x' is invalid for '--init <init>': …"); these say what was expected.

/// What an option value should have been.
struct ExpectedValue: Error, CustomStringConvertible {
    let description: String
}

/// `--init`: where chains start.
enum StartChoice: String, CaseIterable, ExpressibleByArgument {
    case normal, zero, target

    static func parse(_ text: String) throws -> StartChoice {
        guard let c = StartChoice(rawValue: text) else {
            throw ExpectedValue(description: "expected normal, zero or target")
        }
        return c
    }
}

/// An on/off option (`--adapt`).
enum Toggle: String, CaseIterable, ExpressibleByArgument {
    case on, off

    static func parse(_ text: String) throws -> Toggle {
        guard let t = Toggle(rawValue: text) else { throw ExpectedValue(description: "expected on or off") }
        return t
    }

    var isOn: Bool { self == .on }
}

/// `--quantiles`: probabilities strictly between 0 and 1, comma-separated.
struct Probabilities: ExpressibleByArgument, CustomStringConvertible {
    let values: [Double]

    init(_ values: [Double]) { self.values = values }

    init?(argument: String) { try? self.init(parsing: argument) }

    init(parsing text: String) throws {
        var out: [Double] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let p = Double(item.trimmingCharacters(in: .whitespaces)), p > 0, p < 1 else {
                throw ExpectedValue(description: "expected probabilities strictly between 0 and 1, found '\(item.prefix(40))'")
            }
            out.append(p)
        }
        values = out
    }

    var description: String { values.map { "\($0)" }.joined(separator: ",") }
}
