/// The population samplers: adaptive tempered SMC and reverse diffusion Monte Carlo. Their step
/// cost is per particle move (SMC) or per score estimate (rdMC).
extension SamplerCatalog {
    static let smc = SamplerInfo(
        name: "smc", summary: "Adaptive tempered SMC from a Gaussian reference (RWM or MALA moves; optional waste-free)",
        family: .population, settings: SMCSettings.self, defaultStepSize: nil, usesGradient: false, acceptanceTarget: nil,
        cost: { s in
            let c = TemperedSMC.costOfMove(kernel: s.kernel, localMoves: s.localMoves)
            return .init(gradients: c.gradientEvaluations, densities: c.densityEvaluations)
        },
        check: { s throws(SampoError) in try s.check() },
        builder: .population(SMCSettings.self) { TemperedSMC(settings: $0) })

    static let rdmc = SamplerInfo(
        name: "rdmc", summary: "Reverse diffusion Monte Carlo (IS, ULA or IS-ULA score estimates)",
        family: .population, settings: RDMCSettings.self, defaultStepSize: nil, usesGradient: true, acceptanceTarget: nil,
        cost: { s in
            let n = ReverseDiffusion.costOfScore(innerSamples: s.innerSamples)
            return s.estimator == .importance ? .init(densities: n) : .init(gradients: n)
        },
        check: { s throws(SampoError) in try s.check() },
        builder: .population(RDMCSettings.self) { ReverseDiffusion(settings: $0) })
}
