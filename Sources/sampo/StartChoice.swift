import ArgumentParser

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
