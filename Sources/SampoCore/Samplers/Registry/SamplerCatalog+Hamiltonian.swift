/// The Hamiltonian samplers: static HMC and NUTS, with Stan's warm-up.
extension SamplerCatalog {
    static let hmc = SamplerInfo(
        name: "hmc", summary: "Hamiltonian Monte Carlo, static trajectory (h = leapfrog step ε; Stan's warm-up)",
        family: .hamiltonian, settings: HMCSettings.self, defaultStepSize: 0.1, usesGradient: true, acceptanceTarget: 0.8,
        adaptsByDefault: true, capabilities: [.divergences, .acceptStatistic],
        cost: { s in .init(gradients: s.steps, varies: s.length != nil, note: "or ⌈length/h⌉") },
        warmup: { $0.warmup },
        builder: .markov(HMCSettings.self) { t, h, s throws(SampoError) in try specialised(HMCFactory(), t, h, s) })

    static let nuts = SamplerInfo(
        name: "nuts", summary: "No-U-Turn sampler, multinomial, as Stan (h = leapfrog step ε; Stan's warm-up)",
        family: .hamiltonian, settings: NUTSSettings.self, defaultStepSize: 0.1, usesGradient: true, acceptanceTarget: 0.8,
        adaptsByDefault: true, capabilities: [.divergences, .acceptStatistic],
        cost: { s in .init(gradients: 1 << min(s.maxDepth, 20), varies: true) },
        warmup: { $0.warmup },
        builder: .markov(NUTSSettings.self) { t, h, s throws(SampoError) in try specialised(NUTSFactory(), t, h, s) })
}

struct HMCFactory: KernelFactory {
    func make<T: LogDensity>(_ target: T, stepSize: Double, settings s: HMCSettings) throws(SampoError) -> any MarkovKernel {
        if s.length != nil && s.stepsGiven {
            throw .invalid(.samplerParameter("length"), "give steps or length, not both (length sets ⌈length/h⌉ leapfrog steps per transition)")
        }
        return try HMC(target: target, stepSize: stepSize, steps: s.steps, integrationTime: s.length, jitter: s.jitter)
    }
}

struct NUTSFactory: KernelFactory {
    func make<T: LogDensity>(_ target: T, stepSize: Double, settings s: NUTSSettings) throws(SampoError) -> any MarkovKernel {
        try NUTS(target: target, stepSize: stepSize, maxDepth: s.maxDepth)
    }
}
