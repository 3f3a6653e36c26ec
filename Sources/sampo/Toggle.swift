import ArgumentParser

/// An on/off option (`--adapt`).
enum Toggle: String, CaseIterable, ExpressibleByArgument {
    case on, off

    static func parse(_ text: String) throws -> Toggle {
        guard let t = Toggle(rawValue: text) else { throw ExpectedValue(description: "expected on or off") }
        return t
    }

    var isOn: Bool { self == .on }
}
