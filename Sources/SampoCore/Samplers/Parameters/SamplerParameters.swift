/// A sampler's parameters after the registry has checked them: every given value in its own kind,
/// every default filled in. Read them typed, through the sampler's settings (`parameters[HMCSettings.steps]`,
/// `HMCSettings(parameters)`).
public struct SamplerParameters: Sendable, Equatable {
    /// Values by parameter name (given or defaulted; computed defaults are absent).
    public private(set) var values: [String: ParameterValue]
    /// The names the caller gave (the rest are defaults).
    public let given: Set<String>

    package init(values: [String: ParameterValue], given: Set<String>) {
        self.values = values
        self.given = given
    }

    package func real(_ name: String) -> Double? {
        switch values[name] {
        case .real(let x): return x
        case .integer(let n): return Double(n)
        default: return nil
        }
    }

    package func integer(_ name: String) -> Int? {
        if case .integer(let n) = values[name] { return n }
        return nil
    }

    package func choice(_ name: String) -> String? {
        if case .text(let s) = values[name] { return s }
        return nil
    }

    package func flag(_ name: String) -> Bool? {
        if case .flag(let b) = values[name] { return b }
        return nil
    }

    /// No parameters at all.
    public static let empty = SamplerParameters(values: [:], given: [])

    /// Sets a computed value (e.g. the friction chosen from the target).
    package mutating func set(_ name: String, _ value: ParameterValue) { values[name] = value }

    /// The real-valued parameters (what a Markov kernel's run report lists).
    public var reals: [String: Double] {
        values.compactMapValues { if case .real(let x) = $0 { return x } else { return nil } }
    }
}
