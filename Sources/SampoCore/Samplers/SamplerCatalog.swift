/// The samplers the command line and the experiment runner know by name, with their
/// parameters and defaults. A new kernel is added here once and is then available everywhere.
public struct SamplerInfo: Sendable {
    public struct Parameter: Sendable {
        public let name: String
        /// nil when the default is computed from the target (e.g. friction = 2√L).
        public let defaultValue: Double?
        public let summary: String
        /// Whether the value must be positive (all current parameters are scales or rates).
        public let positive: Bool

        public init(name: String, defaultValue: Double?, summary: String, positive: Bool = true) {
            self.name = name
            self.defaultValue = defaultValue
            self.summary = summary
            self.positive = positive
        }
    }

    public enum Family: String, Sendable { case overdamped, proximal, kinetic }

    public let name: String
    public let summary: String
    public let family: Family
    /// Default `--step-size` (h in the Langevin convention; proposal sd for RWM; time step for kinetic).
    public let defaultStepSize: Double
    /// Oracle calls per step, for budgets: gradient evaluations, or density evaluations if gradient-free.
    public let gradientsPerStep: Int
    public let usesGradient: Bool
    public let metropolisAdjusted: Bool
    public let parameters: [Parameter]
    let build: @Sendable (any LogDensity, Double, [String: Double]) -> any MarkovKernel

    /// Every parameter's value for `target`: the user's, the default, or one computed from the
    /// target; plus a note for each computed one (for the run report).
    public func resolve(settings: [String: Double], target: any LogDensity) -> (values: [String: Double], notes: [String]) {
        var values: [String: Double] = [:], notes: [String] = []
        for p in parameters {
            if let v = settings[p.name] { values[p.name] = v } else if let v = p.defaultValue { values[p.name] = v } else if p.name == "friction" {
                let (gamma, source) = Friction.resolve(settings, target: target)
                values[p.name] = gamma
                notes.append("friction = \(gamma): \(source)")
            }
        }
        return (values, notes)
    }

    /// A kernel for one chain. `stepSize` must be positive and finite; `settings` holds only known keys.
    public func makeKernel(target: any LogDensity, stepSize: Double, settings: [String: Double] = [:]) -> any MarkovKernel {
        build(target, stepSize, resolve(settings: settings, target: target).values)
    }

    /// Checks a step size and `--set` parameters; the error names the sampler and the key.
    public func validate(stepSize: Double, settings: [String: Double]) throws(SampoError) {
        guard stepSize.isFinite, stepSize > 0 else {
            throw .usage("--step-size: expected a positive finite number for sampler '\(name)', found \(stepSize)")
        }
        for (key, value) in settings.sorted(by: { $0.key < $1.key }) {
            guard let p = parameters.first(where: { $0.name == key }) else {
                let known = parameters.isEmpty ? "it takes none" : "known: " + parameters.map(\.name).joined(separator: ", ")
                throw .usage("--set \(key): sampler '\(name)' has no parameter '\(key)' (\(known))")
            }
            guard value.isFinite, !p.positive || value > 0 else {
                throw .usage("--set \(key): expected a positive finite number, found \(value)")
            }
        }
    }
}

public enum SamplerCatalog {
    static let lambda = SamplerInfo.Parameter(name: "lambda", defaultValue: 0.25,
        summary: "Moreau–Yosida smoothing λ (default 0.25, Lau–Liu–Pock's choice; about 1/L_f … 2/L_f)")
    static let friction = SamplerInfo.Parameter(name: "friction", defaultValue: nil,
        summary: "friction γ (default 2√L when the target knows L, else 2)")

    public static let all: [SamplerInfo] = [
        SamplerInfo(name: "ula", summary: "Unadjusted Langevin algorithm (biased for fixed h)", family: .overdamped,
                    defaultStepSize: 0.05, gradientsPerStep: 1, usesGradient: true, metropolisAdjusted: false,
                    parameters: []) { t, h, s in specialised(OverdampedFactory(kind: .ula), t, h, s) },
        SamplerInfo(name: "mala", summary: "Metropolis-adjusted Langevin algorithm", family: .overdamped,
                    defaultStepSize: 0.1, gradientsPerStep: 1, usesGradient: true, metropolisAdjusted: true,
                    parameters: []) { t, h, s in specialised(OverdampedFactory(kind: .mala), t, h, s) },
        SamplerInfo(name: "rwm", summary: "Random-walk Metropolis (step size = proposal sd)", family: .overdamped,
                    defaultStepSize: 1.0, gradientsPerStep: 1, usesGradient: false, metropolisAdjusted: true,
                    parameters: []) { t, h, s in specialised(OverdampedFactory(kind: .rwm), t, h, s) },
        SamplerInfo(name: "rlmc", summary: "Randomized-midpoint overdamped Langevin (2 gradients/step)", family: .overdamped,
                    defaultStepSize: 0.05, gradientsPerStep: 2, usesGradient: true, metropolisAdjusted: false,
                    parameters: []) { t, h, s in specialised(OverdampedFactory(kind: .rlmc), t, h, s) },
        SamplerInfo(name: "myula", summary: "Moreau–Yosida ULA: ULA on the smoothed target π_λ", family: .proximal,
                    defaultStepSize: 0.05, gradientsPerStep: 1, usesGradient: true, metropolisAdjusted: false,
                    parameters: [lambda]) { t, h, s in MYULA(target: t, stepSize: h, lambda: s["lambda"] ?? 0.25) },
        SamplerInfo(name: "mymala", summary: "MYULA proposal, Metropolis-corrected against the true density", family: .proximal,
                    defaultStepSize: 0.05, gradientsPerStep: 1, usesGradient: true, metropolisAdjusted: true,
                    parameters: [lambda]) { t, h, s in MYMALA(target: t, stepSize: h, lambda: s["lambda"] ?? 0.25) },
        SamplerInfo(name: "pmala", summary: "Proximal MALA (Pereyra), δ = 2h, forward–backward prox of U", family: .proximal,
                    defaultStepSize: 0.05, gradientsPerStep: 1, usesGradient: true, metropolisAdjusted: true,
                    parameters: []) { t, h, _ in PMALA(target: t, stepSize: h) },
        SamplerInfo(name: "psgla", summary: "Proximal gradient Langevin: x' = prox_hg(x + h∇log f + √(2h)ξ)", family: .proximal,
                    defaultStepSize: 0.05, gradientsPerStep: 1, usesGradient: true, metropolisAdjusted: false,
                    parameters: []) { t, h, _ in PSGLA(target: t, stepSize: h) },
        SamplerInfo(name: "kinetic-euler", summary: "Kinetic Langevin, Euler–Maruyama", family: .kinetic,
                    defaultStepSize: 0.05, gradientsPerStep: 1, usesGradient: true, metropolisAdjusted: false,
                    parameters: [friction]) { t, h, s in specialised(KineticFactory(kind: .euler), t, h, s) },
        SamplerInfo(name: "obabo", summary: "Kinetic Langevin, OBABO splitting", family: .kinetic,
                    defaultStepSize: 0.05, gradientsPerStep: 1, usesGradient: true, metropolisAdjusted: false,
                    parameters: [friction]) { t, h, s in specialised(KineticFactory(kind: .obabo), t, h, s) },
        SamplerInfo(name: "baoab", summary: "Kinetic Langevin, BAOAB splitting", family: .kinetic,
                    defaultStepSize: 0.05, gradientsPerStep: 1, usesGradient: true, metropolisAdjusted: false,
                    parameters: [friction]) { t, h, s in specialised(KineticFactory(kind: .baoab), t, h, s) },
        SamplerInfo(name: "klmc", summary: "Kinetic Langevin MC: exact OU flow with frozen gradient", family: .kinetic,
                    defaultStepSize: 0.05, gradientsPerStep: 1, usesGradient: true, metropolisAdjusted: false,
                    parameters: [friction]) { t, h, s in specialised(KineticFactory(kind: .klmc), t, h, s) },
        SamplerInfo(name: "rklmc", summary: "Randomized-midpoint kinetic Langevin (2 gradients/step)", family: .kinetic,
                    defaultStepSize: 0.05, gradientsPerStep: 2, usesGradient: true, metropolisAdjusted: false,
                    parameters: [friction]) { t, h, s in specialised(KineticFactory(kind: .rklmc), t, h, s) },
    ]

    public static var names: [String] { all.map(\.name) }

    /// The sampler called `name`, or a usage error listing the known names.
    public static func named(_ name: String) throws(SampoError) -> SamplerInfo {
        guard let info = all.first(where: { $0.name == name }) else {
            throw .usage("--sampler: unknown sampler '\(name)' (known: \(names.joined(separator: ", ")))")
        }
        return info
    }

    /// Builds a kernel with the concrete target type for the families Sampo ships, so the compiler
    /// emits kernels specialised for them (direct, inlinable target calls in the hot loop); any
    /// other target opens the existential and takes the generic path.
    static func specialised<F: KernelFactory>(_ factory: F, _ target: any LogDensity, _ h: Double,
                                              _ settings: [String: Double] = [:]) -> any MarkovKernel {
        if let mixture = target as? GaussianMixture { return factory.make(mixture, stepSize: h, settings: settings) }
        return factory.make(target, stepSize: h, settings: settings)
    }
}

/// Makes one kind of kernel for any target type (Swift closures cannot be generic).
protocol KernelFactory {
    func make<T: LogDensity>(_ target: T, stepSize: Double, settings: [String: Double]) -> any MarkovKernel
}

struct OverdampedFactory: KernelFactory {
    enum Kind { case ula, mala, rwm, rlmc }
    let kind: Kind
    func make<T: LogDensity>(_ target: T, stepSize: Double, settings: [String: Double]) -> any MarkovKernel {
        switch kind {
        case .ula: return ULA(target: target, stepSize: stepSize)
        case .mala: return MALA(target: target, stepSize: stepSize)
        case .rwm: return RWM(target: target, stepSize: stepSize)
        case .rlmc: return RLMC(target: target, stepSize: stepSize)
        }
    }
}

struct KineticFactory: KernelFactory {
    enum Kind { case euler, obabo, baoab, klmc, rklmc }
    let kind: Kind
    func make<T: LogDensity>(_ target: T, stepSize: Double, settings: [String: Double]) -> any MarkovKernel {
        let gamma = settings["friction"] ?? 2
        switch kind {
        case .euler: return KineticLangevin(target: target, scheme: .euler, stepSize: stepSize, friction: gamma)
        case .obabo: return KineticLangevin(target: target, scheme: .obabo, stepSize: stepSize, friction: gamma)
        case .baoab: return KineticLangevin(target: target, scheme: .baoab, stepSize: stepSize, friction: gamma)
        case .klmc: return KineticLangevin(target: target, scheme: .klmc, stepSize: stepSize, friction: gamma)
        case .rklmc: return RKLMC(target: target, stepSize: stepSize, friction: gamma)
        }
    }
}
