/// NUTS's parameters.
public struct NUTSSettings: SamplerSettings, Equatable {
    public static let maxDepth = ParameterKey<Int>.integer("max_depth", 10, minimum: 1,
        "maximum tree depth (at most 2^depth leapfrog steps; ≤ 20)")
    /// NUTS's own defaults: nutpie's low rank plus diagonal fitted on Stan's windows, the variant
    /// notebook 10 measured best on posteriordb without a failure (`metric=diag adaptation=stan` is
    /// Stan's algorithm; hmc keeps it; nuts-rs's schedule lost chains on lotka_volterra).
    public static let metric = WarmupSettings.metricKey(default: .fisherLowRank)
    public static let schedule = WarmupSettings.scheduleKey(default: .stan)
    public static let specs = [maxDepth.spec, metric.spec] + WarmupSettings.metricSpecs(schedule: schedule) + [WarmupSettings.delta.spec]

    public var maxDepth: Int
    public var warmup: WarmupSettings

    public init(_ p: SamplerParameters) {
        maxDepth = p[Self.maxDepth]
        warmup = WarmupSettings(p, metric: Self.metric, schedule: Self.schedule, delta: WarmupSettings.delta)
    }
}
