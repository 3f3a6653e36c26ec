/// The registry: every sampler Sampo knows by name, Markov and population alike. A new sampler is
/// added here once (and in its own file) and is then available to the command line, experiment
/// files, budgets, tuning and the Swift API.
public enum SamplerCatalog {
    static let lambda = ParameterSpec.positive("lambda", 0.25,
        "Moreau–Yosida smoothing λ (Lau–Liu–Pock's choice; about 1/L_f … 2/L_f)")
    static let friction = ParameterSpec.positive("friction", nil,
        "friction γ (default 2√L when the target knows L, else 2)")

    static func overdamped(_ name: String, _ summary: String, h: Double, gradient: Bool = true, acceptance: Double?,
                           calls: Int = 1, _ kind: OverdampedFactory.Kind) -> SamplerInfo {
        SamplerInfo(name: name, summary: summary, family: .overdamped, defaultStepSize: h, usesGradient: gradient,
                    acceptanceTarget: acceptance, oracleCallsPerStep: { _ in calls },
                    builder: .markov { t, h, p throws(SampoError) in try specialised(OverdampedFactory(kind: kind), t, h, p) })
    }

    static func kinetic(_ name: String, _ summary: String, calls: Int = 1, _ kind: KineticFactory.Kind) -> SamplerInfo {
        SamplerInfo(name: name, summary: summary, family: .kinetic, defaultStepSize: 0.05, usesGradient: true,
                    acceptanceTarget: nil, parameters: [friction], oracleCallsPerStep: { _ in calls },
                    builder: .markov { t, h, p throws(SampoError) in try specialised(KineticFactory(kind: kind), t, h, p) })
    }

    static func proximal(_ name: String, _ summary: String, acceptance: Double?, parameters: [ParameterSpec],
                         _ build: @escaping @Sendable (any LogDensity, Double, SamplerParameters) throws(SampoError) -> any MarkovKernel) -> SamplerInfo {
        SamplerInfo(name: name, summary: summary, family: .proximal, defaultStepSize: 0.05, usesGradient: true,
                    acceptanceTarget: acceptance, parameters: parameters, builder: .markov(build))
    }

    public static let all: [SamplerInfo] = [
        overdamped("ula", "Unadjusted Langevin algorithm (biased for fixed h)", h: 0.05, acceptance: nil, .ula),
        overdamped("mala", "Metropolis-adjusted Langevin algorithm", h: 0.1, acceptance: 0.574, .mala),
        overdamped("rwm", "Random-walk Metropolis (step size = proposal sd)", h: 1.0, gradient: false, acceptance: 0.234, .rwm),
        overdamped("rlmc", "Randomized-midpoint overdamped Langevin (2 gradients/step)", h: 0.05, acceptance: nil, calls: 2, .rlmc),
        proximal("myula", "Moreau–Yosida ULA: ULA on the smoothed target π_λ", acceptance: nil, parameters: [lambda]) { t, h, p throws(SampoError) in
            try MYULA(target: t, stepSize: h, lambda: p.real("lambda") ?? .nan)
        },
        proximal("mymala", "MYULA proposal, Metropolis-corrected against the true density", acceptance: 0.574,
                 parameters: [lambda]) { t, h, p throws(SampoError) in try MYMALA(target: t, stepSize: h, lambda: p.real("lambda") ?? .nan) },
        proximal("pmala", "Proximal MALA (Pereyra), δ = 2h, forward–backward prox of U", acceptance: 0.574,
                 parameters: []) { t, h, _ throws(SampoError) in try PMALA(target: t, stepSize: h) },
        proximal("psgla", "Proximal gradient Langevin: x' = prox_hg(x + h∇log f + √(2h)ξ)", acceptance: nil,
                 parameters: []) { t, h, _ throws(SampoError) in try PSGLA(target: t, stepSize: h) },
        kinetic("kinetic-euler", "Kinetic Langevin, Euler–Maruyama", .euler),
        kinetic("obabo", "Kinetic Langevin, OBABO splitting", .obabo),
        kinetic("baoab", "Kinetic Langevin, BAOAB splitting", .baoab),
        kinetic("klmc", "Kinetic Langevin MC: exact OU flow with frozen gradient", .klmc),
        kinetic("rklmc", "Randomized-midpoint kinetic Langevin (2 gradients/step)", calls: 2, .rklmc),
        hmc,
        nuts,
        pt,
        TemperedSMC.registryEntry,
        ReverseDiffusion.registryEntry,
    ]

    public static var names: [String] { all.map(\.name) }
    public static var markovNames: [String] { all.filter { !$0.isPopulation }.map(\.name) }

    /// The sampler called `name`.
    public static func named(_ name: String) throws(SampoError) -> SamplerInfo {
        guard let info = all.first(where: { $0.name == name }) else { throw .unknownSampler(name: name, known: names) }
        return info
    }

    /// Builds a kernel with the concrete target type for the families Sampo ships; the kernels'
    /// `step(rng:)` carry `@_specialize(where Target == GaussianMixture)`, so the runner's dynamic
    /// call lands in code specialised for the mixture (a generic class's witness table is shared by
    /// all its instances, so without it the hot loop would run the generic body). Any other target
    /// opens the existential and takes the generic path.
    static func specialised<F: KernelFactory>(_ factory: F, _ target: any LogDensity, _ h: Double,
                                              _ parameters: SamplerParameters) throws(SampoError) -> any MarkovKernel {
        if let mixture = target as? GaussianMixture { return try factory.make(mixture, stepSize: h, parameters: parameters) }
        return try factory.make(target, stepSize: h, parameters: parameters)
    }
}

/// Makes one kind of kernel for any target type (Swift closures cannot be generic).
protocol KernelFactory {
    func make<T: LogDensity>(_ target: T, stepSize: Double, parameters: SamplerParameters) throws(SampoError) -> any MarkovKernel
}

struct OverdampedFactory: KernelFactory {
    enum Kind { case ula, mala, rwm, rlmc }
    let kind: Kind
    func make<T: LogDensity>(_ target: T, stepSize: Double, parameters: SamplerParameters) throws(SampoError) -> any MarkovKernel {
        switch kind {
        case .ula: return try ULA(target: target, stepSize: stepSize)
        case .mala: return try MALA(target: target, stepSize: stepSize)
        case .rwm: return try RWM(target: target, stepSize: stepSize)
        case .rlmc: return try RLMC(target: target, stepSize: stepSize)
        }
    }
}

struct KineticFactory: KernelFactory {
    enum Kind { case euler, obabo, baoab, klmc, rklmc }
    let kind: Kind
    func make<T: LogDensity>(_ target: T, stepSize: Double, parameters: SamplerParameters) throws(SampoError) -> any MarkovKernel {
        let gamma = parameters.real("friction") ?? .nan   // resolved by the registry (2√L or 2)
        switch kind {
        case .euler: return try KineticLangevin(target: target, scheme: .euler, stepSize: stepSize, friction: gamma)
        case .obabo: return try KineticLangevin(target: target, scheme: .obabo, stepSize: stepSize, friction: gamma)
        case .baoab: return try KineticLangevin(target: target, scheme: .baoab, stepSize: stepSize, friction: gamma)
        case .klmc: return try KineticLangevin(target: target, scheme: .klmc, stepSize: stepSize, friction: gamma)
        case .rklmc: return try RKLMC(target: target, stepSize: stepSize, friction: gamma)
        }
    }
}
