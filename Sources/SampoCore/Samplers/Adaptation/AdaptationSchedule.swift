/// Which warm-up schedule adapts the metric: Stan's windows (`WindowedAdaptation`) or nuts-rs's
/// (`NutpieSchedule`, as nutpie runs it).
public enum AdaptationSchedule: String, Sendable, CaseIterable {
    case stan, nutpie
}
