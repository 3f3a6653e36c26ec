/// The kinetic Langevin kernels' parameter: the friction γ (nil: computed from the target by
/// `Friction.resolve`, 2√L when it knows its smoothness constant L, else 2).
public struct KineticSettings: SamplerSettings, Equatable {
    public static let friction = ParameterKey<Double?>.positive("friction", "friction γ (default 2√L when the target knows L, else 2)")
    public static let specs = [friction.spec]

    public var friction: Double?

    public init(_ p: SamplerParameters) { friction = p[Self.friction] }
}
