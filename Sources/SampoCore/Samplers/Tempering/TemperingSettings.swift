/// Parallel tempering's parameters.
public struct TemperingSettings: SamplerSettings, Equatable {
    public static let replicas = ParameterKey<Int>.integer("replicas", 10, minimum: 2,
        "replicas β₀ = 0 < … < β_N = 1, the reference and the target included")
    public static let explorer = ParameterKey<TemperingExplorer>.choice("explorer", .mala,
        "each replica's move (step sizes adapted per replica in warm-up; hmc: 10 leapfrog steps)")
    public static let referenceScale = ParameterKey<Double?>.positive("reference_scale",
        "sd of the Gaussian reference (default: 2 × the target's known sd, else 10)")
    public static let specs = [replicas.spec, explorer.spec, referenceScale.spec]

    public var replicas: Int
    public var explorer: TemperingExplorer
    /// nil: from the target's known moments (`GaussianReference.choose`).
    public var referenceScale: Double?

    public init(_ p: SamplerParameters) {
        replicas = p[Self.replicas]
        explorer = p[Self.explorer]
        referenceScale = p[Self.referenceScale]
    }
}
