/// Non-reversible parallel tempering.
extension SamplerCatalog {
    static let pt = SamplerInfo(
        name: "pt", summary: "Non-reversible parallel tempering (DEO swaps, schedule tuned in warm-up; draws of β = 1)",
        family: .tempering, settings: TemperingSettings.self, defaultStepSize: 0.1, usesGradient: true, acceptanceTarget: nil,
        cost: { s in
            // β = 0 is drawn exactly and evaluated once; every other replica makes one explorer move.
            let move = explorerCost(s.explorer).calls
            let first = s.explorer == .rwm ? OracleCounts(densityEvaluations: 1) : OracleCounts(gradientEvaluations: 1)
            let moves = s.replicas - 1
            return .init(gradients: first.gradientEvaluations + moves * move.gradientEvaluations,
                         densities: first.densityEvaluations + moves * move.densityEvaluations)
        },
        builder: .tempered { t, h, p, moments throws(SampoError) in try specialisedTempering(t, h, TemperingSettings(p), moments) })

    /// The registry entry of each explorer: its acceptance goal drives each replica's step-size adaptation.
    static func explorerEntry(_ explorer: TemperingExplorer) -> SamplerInfo {
        switch explorer {
        case .rwm: return rwm
        case .mala: return mala
        case .hmc: return hmc
        }
    }

    /// One explorer move (HMC: `ParallelTempering.hmcSteps` leapfrog steps).
    static func explorerCost(_ explorer: TemperingExplorer) -> SamplerInfo.StepCost {
        explorer == .hmc ? .init(gradients: ParallelTempering<GaussianMixture>.hmcSteps) : explorerEntry(explorer).stepCost(.empty)
    }

    static func specialisedTempering(_ target: any LogDensity, _ h: Double, _ s: TemperingSettings,
                                     _ moments: KnownMoments?) throws(SampoError) -> any MarkovKernel {
        let reference = GaussianReference.choose(dimension: target.dimension, moments: moments, scale: s.referenceScale)
        let goal = explorerEntry(s.explorer).acceptanceTarget ?? 0.8
        if let mixture = target as? GaussianMixture {
            return try ParallelTempering(target: mixture, reference: reference, replicas: s.replicas, explorer: s.explorer,
                                         acceptanceGoal: goal, stepSize: h)
        }
        return try make(target, reference, s, goal, h)
    }

    private static func make<T: LogDensity>(_ target: T, _ reference: GaussianReference, _ s: TemperingSettings,
                                            _ goal: Double, _ h: Double) throws(SampoError) -> any MarkovKernel {
        try ParallelTempering(target: target, reference: reference, replicas: s.replicas, explorer: s.explorer,
                              acceptanceGoal: goal, stepSize: h)
    }
}
