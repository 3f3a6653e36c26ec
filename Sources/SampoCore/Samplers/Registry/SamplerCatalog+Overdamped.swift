/// The overdamped Langevin and random-walk kernels.
extension SamplerCatalog {
    static func overdamped(_ name: String, _ summary: String, h: Double, acceptance: Double?, _ kind: OverdampedFactory.Kind,
                           cost: SamplerInfo.StepCost) -> SamplerInfo {
        SamplerInfo(name: name, summary: summary, family: .overdamped, settings: NoSettings.self, defaultStepSize: h,
                    usesGradient: cost.calls.gradientEvaluations > 0, acceptanceTarget: acceptance, cost: { _ in cost },
                    builder: .markov(NoSettings.self) { t, h, s throws(SampoError) in try specialised(OverdampedFactory(kind: kind), t, h, s) })
    }

    static let ula = overdamped("ula", "Unadjusted Langevin algorithm (biased for fixed h)", h: 0.05, acceptance: nil, .ula,
                                cost: .init(gradients: 1))
    static let mala = SamplerInfo(
        name: "mala", summary: "Metropolis-adjusted Langevin algorithm (preconditioned by the metric warm-up adapts when its metric parameter is set)",
        family: .overdamped, settings: MALASettings.self, defaultStepSize: 0.1, usesGradient: true, acceptanceTarget: 0.574,
        cost: { _ in .init(gradients: 1) }, warmup: { $0.warmup },
        builder: .markov(MALASettings.self) { t, h, s throws(SampoError) in try specialised(MALAFactory(), t, h, s) })
    static let rwm = overdamped("rwm", "Random-walk Metropolis (step size = proposal sd)", h: 1.0, acceptance: 0.234,
                                .rwm, cost: .init(densities: 1))
    static let rlmc = overdamped("rlmc", "Randomized-midpoint overdamped Langevin (2 gradients/step)", h: 0.05, acceptance: nil, .rlmc,
                                 cost: .init(gradients: 2))
}

struct OverdampedFactory: KernelFactory {
    enum Kind { case ula, rwm, rlmc }
    let kind: Kind
    func make<T: LogDensity>(_ target: T, stepSize: Double, settings: NoSettings) throws(SampoError) -> any MarkovKernel {
        switch kind {
        case .ula: return try ULA(target: target, stepSize: stepSize)
        case .rwm: return try RWM(target: target, stepSize: stepSize)
        case .rlmc: return try RLMC(target: target, stepSize: stepSize)
        }
    }
}

struct MALAFactory: KernelFactory {
    func make<T: LogDensity>(_ target: T, stepSize: Double, settings: MALASettings) throws(SampoError) -> any MarkovKernel {
        try MALA(target: target, stepSize: stepSize)
    }
}
