import ArgumentParser

/// `--format`: the draws file's layout.
enum DrawsFormat: String, CaseIterable, ExpressibleByArgument {
    case sampo, cmdstan

    static func parse(_ text: String) throws -> DrawsFormat {
        guard let f = DrawsFormat(rawValue: text) else { throw ExpectedValue(description: "expected sampo or cmdstan") }
        return f
    }
}
