/// NUTS's parameters.
public struct NUTSSettings: SamplerSettings, Equatable {
    public static let maxDepth = ParameterKey<Int>.integer("max_depth", 10, minimum: 1,
        "maximum tree depth (at most 2^depth leapfrog steps; ≤ 20)")
    public static let specs = [maxDepth.spec] + WarmupSettings.specs

    public var maxDepth: Int
    public var warmup: WarmupSettings

    public init(_ p: SamplerParameters) {
        maxDepth = p[Self.maxDepth]
        warmup = WarmupSettings(p)
    }
}
