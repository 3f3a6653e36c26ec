/// The proximal Langevin kernels (composite targets; any target through its Moreau–Yosida view).
extension SamplerCatalog {
    static let moreauYosidaNote = "on image posteriors (deconvolution) the defaults are λ = 1/L_f and h = 1/(L_f + 1/λ) (Durmus, Moulines & Pereyra 2018)"
    static let forwardBackwardNote = "on image posteriors (deconvolution) the default is h = 1/(2 L_f) (MYULA's at λ = 1/L_f)"

    static let myula = SamplerInfo(
        name: "myula", summary: "Moreau–Yosida ULA: ULA on the smoothed target π_λ", family: .proximal,
        settings: MoreauYosidaSettings.self, defaultStepSize: 0.05, usesGradient: true, acceptanceTarget: nil,
        capabilities: .proximalDefaults, notes: [moreauYosidaNote], cost: { _ in .init(gradients: 1) },
        builder: .markov(MoreauYosidaSettings.self) { t, h, s throws(SampoError) in try MYULA(target: t, stepSize: h, lambda: s.lambda) })

    static let mymala = SamplerInfo(
        name: "mymala", summary: "MYULA proposal, Metropolis-corrected against the true density", family: .proximal,
        settings: MoreauYosidaSettings.self, defaultStepSize: 0.05, usesGradient: true, acceptanceTarget: 0.574,
        capabilities: .proximalDefaults, notes: [moreauYosidaNote], cost: { _ in .init(gradients: 1, densities: 1) },
        builder: .markov(MoreauYosidaSettings.self) { t, h, s throws(SampoError) in try MYMALA(target: t, stepSize: h, lambda: s.lambda) })

    static let pmala = SamplerInfo(
        name: "pmala", summary: "Proximal MALA (Pereyra), δ = 2h, forward–backward prox of U", family: .proximal,
        settings: NoSettings.self, defaultStepSize: 0.05, usesGradient: true, acceptanceTarget: 0.574,
        capabilities: .proximalDefaults, notes: [forwardBackwardNote], cost: { _ in .init(gradients: 1, densities: 1) },
        builder: .markov(NoSettings.self) { t, h, _ throws(SampoError) in try PMALA(target: t, stepSize: h) })

    static let psgla = SamplerInfo(
        name: "psgla", summary: "Proximal gradient Langevin: x' = prox_hg(x + h∇log f + √(2h)ξ)", family: .proximal,
        settings: NoSettings.self, defaultStepSize: 0.05, usesGradient: true, acceptanceTarget: nil,
        capabilities: .proximalDefaults, notes: [forwardBackwardNote], cost: { _ in .init(gradients: 1) },
        builder: .markov(NoSettings.self) { t, h, _ throws(SampoError) in try PSGLA(target: t, stepSize: h) })
}
