/// MALA's parameters: the inverse metric its warm-up adapts (none by default: MALA as it always
/// was; any of the Hamiltonian samplers' metrics and schedules with `--adapt on`).
public struct MALASettings: SamplerSettings, Equatable {
    public static let metric = ParameterKey<MetricKind>.choice("metric", .unit,
        "inverse metric adapted in warm-up (with --adapt on), as nuts's: unit (none), diag, dense, fisher-diag, fisher-lowrank, fisher-dense")
    public static let specs = [metric.spec] + WarmupSettings.metricSpecs

    public var warmup: WarmupSettings

    public init(_ p: SamplerParameters) { warmup = WarmupSettings(p, metric: Self.metric, delta: nil) }
}
