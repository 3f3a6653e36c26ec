import ArgumentParser

/// `--init`: where chains start.
enum StartChoice: String, CaseIterable, ExpressibleByArgument {
    case normal, zero, target, stan

    static func parse(_ text: String) throws -> StartChoice {
        guard let c = StartChoice(rawValue: text) else {
            throw ExpectedValue(description: "expected normal, zero, target or stan")
        }
        return c
    }
}
