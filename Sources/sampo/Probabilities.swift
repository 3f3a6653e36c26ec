import ArgumentParser

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
