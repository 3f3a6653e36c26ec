/// HMC's parameters.
public struct HMCSettings: SamplerSettings, Equatable {
    /// At most NUTS's longest trajectory (2^20 leapfrog steps), so a transition always ends.
    public static let maximumSteps = 1 << 20
    public static let steps = ParameterKey<Int>.integer("steps", 10, minimum: 1, "leapfrog steps per transition (≤ 2^20)")
    public static let length = ParameterKey<Double?>.positive("length", "integration time T instead of steps: ⌈T/h⌉ leapfrog steps (at most 2^20)")
    // Jittered by default: with a fixed path, chains on Gaussians can be near-periodic and their
    // MCSE too small (10 seeds on a rotated 10-D Gaussian: Σz² of the means 210 for 100
    // coordinates at j = 0, 82 at j = 0.5; of the sds 170 and 109).
    public static let jitter = ParameterKey<Double>.halfOpen("jitter", 0.5, in: 0, 1,
        "step-size jitter j: each transition uses h·(1 + j(2u − 1)) (0: a fixed path, as Stan's default)")
    public static let specs = [steps.spec, length.spec, jitter.spec] + WarmupSettings.specs

    public var steps: Int
    /// Integration time T (nil: `steps` leapfrog steps).
    public var length: Double?
    public var jitter: Double
    public var warmup: WarmupSettings
    /// `steps` was given (not the default): with `length` too it is refused.
    public var stepsGiven: Bool

    public init(_ p: SamplerParameters) {
        steps = p[Self.steps]
        stepsGiven = p.given.contains("steps")
        length = p[Self.length]
        jitter = p[Self.jitter]
        warmup = WarmupSettings(p)
    }
}
