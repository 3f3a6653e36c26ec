/// The registry entry of non-reversible parallel tempering.
extension SamplerCatalog {
    static let pt = SamplerInfo(
        name: "pt", summary: "Non-reversible parallel tempering (DEO swaps, schedule tuned in warm-up; draws of β = 1)",
        family: .tempering, defaultStepSize: 0.1, usesGradient: true, acceptanceTarget: nil,
        parameters: [
            .integer("replicas", 10, minimum: 2, "replicas β₀ = 0 < … < β_N = 1, the reference and the target included"),
            .choice("explorer", "mala", TemperingExplorer.allCases.map(\.rawValue),
                    "each replica's move (step sizes adapted per replica in warm-up; hmc: 10 leapfrog steps)"),
            .positive("reference_scale", nil, "sd of the Gaussian reference (default: 2 × the target's known sd, else 10)"),
        ],
        oracleCallsPerStep: { p in
            let r = p.integer("replicas") ?? 10
            return r * (p.choice("explorer") == "hmc" ? ParallelTempering<GaussianMixture>.hmcSteps : 1)
        },
        builder: .tempered { t, h, p, moments throws(SampoError) in try specialisedTempering(t, h, p, moments) })

    static func specialisedTempering(_ target: any LogDensity, _ h: Double, _ p: SamplerParameters,
                                     _ moments: KnownMoments?) throws(SampoError) -> any MarkovKernel {
        let reference = GaussianReference.choose(dimension: target.dimension, moments: moments, scale: p.real("reference_scale"))
        let explorer = TemperingExplorer(rawValue: p.choice("explorer") ?? "mala") ?? .mala
        let replicas = p.integer("replicas") ?? 10
        if let mixture = target as? GaussianMixture {
            return try ParallelTempering(target: mixture, reference: reference, replicas: replicas, explorer: explorer, stepSize: h)
        }
        return try make(target, reference, replicas, explorer, h)
    }

    private static func make<T: LogDensity>(_ target: T, _ reference: GaussianReference, _ replicas: Int,
                                            _ explorer: TemperingExplorer, _ h: Double) throws(SampoError) -> any MarkovKernel {
        try ParallelTempering(target: target, reference: reference, replicas: replicas,
                              explorer: explorer, stepSize: h)
    }
}
