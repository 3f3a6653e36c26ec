/// One sampler parameter with its Swift type: its description (`spec`, which holds the default)
/// and how a checked value reads back. The default is written once, in the `spec`; reading a
/// parameter that was not given returns it, so `SamplerParameters.empty` reads as every default.
public struct ParameterKey<Value: Sendable>: Sendable {
    public let spec: ParameterSpec
    private let decode: @Sendable (ParameterValue?) -> Value

    init(_ spec: ParameterSpec, decode: @escaping @Sendable (ParameterValue?) -> Value) {
        self.spec = spec
        self.decode = decode
    }

    public var name: String { spec.name }

    /// The value when the parameter is not given (the spec's default).
    public var defaultValue: Value { decode(spec.defaultValue) }

    /// The value in `parameters`, or the default when it was not given.
    func read(_ parameters: SamplerParameters) -> Value { decode(parameters.values[spec.name] ?? spec.defaultValue) }
}

extension ParameterValue {
    var realValue: Double? {
        switch self {
        case .real(let x): return x
        case .integer(let n): return Double(n)
        default: return nil
        }
    }
}

extension ParameterKey where Value == Double {
    /// A positive real with a default.
    public static func positive(_ name: String, _ defaultValue: Double, _ summary: String) -> ParameterKey {
        ParameterKey(.positive(name, defaultValue, summary)) { $0?.realValue ?? defaultValue }
    }

    /// A real strictly between `lower` and `upper`.
    public static func fraction(_ name: String, _ defaultValue: Double, in lower: Double, _ upper: Double,
                                _ summary: String) -> ParameterKey {
        ParameterKey(.fraction(name, defaultValue, in: lower, upper, summary)) { $0?.realValue ?? defaultValue }
    }

    /// A real in [lower, upper).
    public static func halfOpen(_ name: String, _ defaultValue: Double, in lower: Double, _ upper: Double,
                                _ summary: String) -> ParameterKey {
        ParameterKey(ParameterSpec(name: name, kind: .real(lower: lower, upper: upper, lowerOpen: false, upperOpen: true),
                              defaultValue: .real(defaultValue), summary: summary)) { $0?.realValue ?? defaultValue }
    }
}

extension ParameterKey where Value == Double? {
    /// A positive real whose default is computed from the target (nil here: "auto").
    public static func positive(_ name: String, _ summary: String) -> ParameterKey {
        ParameterKey(.positive(name, nil, summary)) { $0?.realValue }
    }
}

extension ParameterKey where Value == Int {
    public static func integer(_ name: String, _ defaultValue: Int, minimum: Int, _ summary: String) -> ParameterKey {
        ParameterKey(.integer(name, defaultValue, minimum: minimum, summary)) { v in
            if case .integer(let n) = v { return n }
            return defaultValue
        }
    }
}

extension ParameterKey where Value == Int? {
    /// An integer whose default depends on other settings (nil here: "auto").
    public static func integer(_ name: String, minimum: Int, _ summary: String) -> ParameterKey {
        ParameterKey(ParameterSpec(name: name, kind: .integer(minimum: minimum), defaultValue: nil, summary: summary)) { v in
            if case .integer(let n) = v { return n }
            return nil
        }
    }
}

extension ParameterKey where Value == Bool {
    public static func flag(_ name: String, _ defaultValue: Bool, _ summary: String) -> ParameterKey {
        ParameterKey(.flag(name, defaultValue, summary)) { v in
            if case .flag(let b) = v { return b }
            return defaultValue
        }
    }
}

extension ParameterKey where Value: RawRepresentable & CaseIterable & Sendable, Value.RawValue == String {
    /// One of an enumeration's cases, spelled by their raw values (the only spelling).
    public static func choice(_ name: String, _ defaultValue: Value, _ summary: String) -> ParameterKey {
        ParameterKey(.choice(name, defaultValue.rawValue, Value.allCases.map(\.rawValue), summary)) { v in
            if case .text(let s) = v, let c = Value(rawValue: s) { return c }
            return defaultValue
        }
    }
}

extension SamplerParameters {
    /// A parameter's value in its Swift type (the default when it was not given).
    public subscript<Value>(_ key: ParameterKey<Value>) -> Value { key.read(self) }
}

/// A sampler's parameters as one typed value, read from checked `SamplerParameters` in one place.
/// `specs` lists the descriptions in the order `sampo samplers` shows them; the registry entry
/// takes them from here, so a parameter is declared, defaulted and read in one file.
public protocol SamplerSettings: Sendable {
    static var specs: [ParameterSpec] { get }
    /// The typed values of checked parameters (defaults for the ones not given).
    init(_ parameters: SamplerParameters)
}

extension SamplerSettings {
    /// Every parameter at its default.
    public static var defaults: Self { Self(.empty) }
}

/// The settings of a sampler without parameters.
public struct NoSettings: SamplerSettings {
    public static let specs: [ParameterSpec] = []
    public init(_ parameters: SamplerParameters) {}
}
