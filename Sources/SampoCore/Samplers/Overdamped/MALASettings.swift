/// MALA's parameters: the inverse metric its warm-up adapts (none by default: MALA as it always
/// was; any of the Hamiltonian samplers' metrics and schedules with `--adapt on`).
public struct MALASettings: SamplerSettings, Equatable {
    public static let metric = WarmupSettings.metricKey(default: .unit)
    public static let specs = [metric.spec] + WarmupSettings.metricSpecs(schedule: WarmupSettings.schedule)

    public var warmup: WarmupSettings

    public init(_ p: SamplerParameters) { warmup = WarmupSettings(p, metric: Self.metric, schedule: WarmupSettings.schedule, delta: nil) }
}
