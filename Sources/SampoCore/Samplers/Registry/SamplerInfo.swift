/// One sampler of the registry: what it is, its typed parameters, what a step costs, what warm-up
/// aims for, what it reports, and how to build it. Markov kernels and population samplers are
/// described the same way, each by one `SamplerInfo` built from its settings type.
public struct SamplerInfo: Sendable {
    /// The kind of sampler, for listings (behaviour is asked of the fields below, not of the family).
    public enum Family: String, Sendable { case overdamped, proximal, kinetic, hamiltonian, tempering, population }

    /// What a sampler's runs report beyond draws and acceptance.
    public struct Capabilities: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// Transitions can diverge (an energy error above 1000) and are counted, as Stan's.
        public static let divergences = Capabilities(rawValue: 1)
        /// Acceptance is Stan's accept_stat__ (the mean over a trajectory), not a rate of accepted proposals.
        public static let acceptStatistic = Capabilities(rawValue: 2)
        /// A composite target's proposed λ and h (imaging: λ = 1/L_f, h = 1/(L_f + 1/λ)) are its defaults.
        public static let proximalDefaults = Capabilities(rawValue: 4)
        /// Runs with a mass matrix given to it (`RunSettings.initialMetric`) without adapting one.
        public static let givenMetric = Capabilities(rawValue: 8)
    }

    /// What one step costs in oracle calls, from the entry's parameters.
    public struct StepCost: Sendable, Equatable {
        /// Gradient and density calls of one step (per particle move or score estimate for population
        /// samplers); an upper bound when `varies`. A target whose gradient call costs more (finite
        /// differences) is charged by `charged(for:)`.
        public var calls: OracleCounts
        /// The calls vary from step to step (NUTS; HMC with an integration time); budgets count them as made.
        public var varies = false
        /// How the count depends on a parameter, for listings (e.g. "or ⌈length/h⌉").
        public var note: String?

        public init(gradients: Int = 0, densities: Int = 0, varies: Bool = false, note: String? = nil) {
            calls = OracleCounts(gradientEvaluations: gradients, densityEvaluations: densities)
            self.varies = varies
            self.note = note
        }

        /// Oracle calls of one step on `target`, every gradient call charged at its cost.
        public func charged(for target: any LogDensity) -> Int {
            let c = calls.charged(gradientCallsAt: target.costOfGradientCall)
            return c.gradientEvaluations + c.densityEvaluations
        }

        /// Gradient plus density calls.
        public var total: Int { calls.gradientEvaluations + calls.densityEvaluations }
    }

    /// How the sampler is built: a Markov kernel per chain, or a population sampler per run.
    public enum Builder: Sendable {
        case markov(@Sendable (any LogDensity, Double, SamplerParameters) throws(SampoError) -> any MarkovKernel)
        /// A Markov kernel that also needs what is known of the target's moments (its Gaussian
        /// reference: parallel tempering).
        case tempered(@Sendable (any LogDensity, Double, SamplerParameters, KnownMoments?) throws(SampoError) -> any MarkovKernel)
        case population(@Sendable (SamplerParameters) -> any PopulationSampler)

        /// A Markov kernel built from typed settings.
        public static func markov<S: SamplerSettings>(_: S.Type, _ build: @escaping @Sendable (any LogDensity, Double, S) throws(SampoError) -> any MarkovKernel) -> Builder {
            .markov { t, h, p throws(SampoError) in try build(t, h, S(p)) }
        }

        /// A population sampler built from typed settings.
        public static func population<S: SamplerSettings>(_: S.Type, _ build: @escaping @Sendable (S) -> any PopulationSampler) -> Builder {
            .population { p in build(S(p)) }
        }
    }

    public let name: String
    public let summary: String
    public let family: Family
    /// Default step size (h in the Langevin convention; proposal sd for RWM; time step for kinetic);
    /// nil for population samplers, which take no step size.
    public let defaultStepSize: Double?
    public let usesGradient: Bool
    /// The acceptance rate step-size tuning aims for (nil for unadjusted kernels and population samplers).
    public let acceptanceTarget: Double?
    public let parameters: [ParameterSpec]
    /// Whether warm-up adapts the step size (and metric) unless `--adapt off` (HMC and NUTS).
    public let adaptsByDefault: Bool
    public let capabilities: Capabilities
    /// Lines `sampo samplers` adds under the sampler.
    public let notes: [String]
    private let cost: @Sendable (SamplerParameters) -> StepCost
    private let warmupSettings: @Sendable (SamplerParameters) -> WarmupSettings?
    /// Checks that involve several parameters at once.
    private let crossCheck: @Sendable (SamplerParameters) throws(SampoError) -> Void
    /// Fills in the parameters whose default is computed from the target, with a note for each.
    private let targetDefaults: @Sendable (SamplerParameters, any LogDensity) -> (SamplerParameters, [String])
    public let builder: Builder

    /// An entry whose parameters are the settings type `S`'s: the listing, checks, costs and
    /// warm-up goals all read them as `S`.
    public init<S: SamplerSettings>(
        name: String, summary: String, family: Family, settings: S.Type, defaultStepSize: Double?, usesGradient: Bool,
        acceptanceTarget: Double?, adaptsByDefault: Bool = false, capabilities: Capabilities = [], notes: [String] = [],
        cost: @escaping @Sendable (S) -> StepCost,
        warmup: @escaping @Sendable (S) -> WarmupSettings? = { _ in nil },
        check: @escaping @Sendable (S) throws(SampoError) -> Void = { _ throws(SampoError) in },
        targetDefaults: (@Sendable (S, any LogDensity) -> [(ParameterKey<Double?>, Double, String)])? = nil,
        builder: Builder) {
        self.name = name; self.summary = summary; self.family = family; self.defaultStepSize = defaultStepSize
        self.usesGradient = usesGradient; self.acceptanceTarget = acceptanceTarget; self.parameters = S.specs
        self.adaptsByDefault = adaptsByDefault; self.capabilities = capabilities; self.notes = notes
        self.cost = { cost(S($0)) }
        self.warmupSettings = { warmup(S($0)) }
        self.crossCheck = { p throws(SampoError) in try check(S(p)) }
        if let targetDefaults {
            self.targetDefaults = { p, target in
                var out = p, notes: [String] = []
                for (setting, value, source) in targetDefaults(S(p), target) where p.values[setting.name] == nil {
                    out.set(setting.name, .real(value))
                    notes.append("\(setting.name) = \(value): \(source)")
                }
                return (out, notes)
            }
        } else {
            self.targetDefaults = { p, _ in (p, []) }
        }
        self.builder = builder
    }

    public var isPopulation: Bool { if case .population = builder { return true } else { return false } }
    public var metropolisAdjusted: Bool { acceptanceTarget != nil }

    /// What a step costs with these parameters.
    public func stepCost(_ parameters: SamplerParameters) -> StepCost { cost(parameters) }

    /// Oracle calls per step (gradient plus density calls; an upper bound for a varying cost).
    public func oracleCallsPerStep(_ parameters: SamplerParameters) -> Int { cost(parameters).total }

    /// The acceptance statistic warm-up adaptation aims for: `delta` when the sampler has it,
    /// else its acceptance target (nil: the sampler cannot adapt its step size).
    public func adaptationTarget(_ parameters: SamplerParameters) -> Double? {
        warmupSettings(parameters)?.delta ?? acceptanceTarget
    }

    /// The inverse metric warm-up adapts (nil: the sampler has none).
    public func metric(_ parameters: SamplerParameters) -> MetricKind? { warmupSettings(parameters)?.metric }

    /// All of warm-up's metric settings (nil: the sampler has no metric).
    public func warmup(_ parameters: SamplerParameters) -> WarmupSettings? { warmupSettings(parameters) }

    /// Whether warm-up adapts an inverse metric (reports then list it).
    public var adaptsMetric: Bool { warmupSettings(.empty) != nil }

    /// Whether a run can start from a given inverse metric: the samplers that adapt one, and the
    /// kinetic splittings, which take one as their mass matrix.
    public var takesMetric: Bool { adaptsMetric || capabilities.contains(.givenMetric) }

    /// Checks `given` against the parameter descriptions and fills in the defaults. Errors name the
    /// parameter (an unknown name lists the known ones).
    public func parameters(_ given: [String: ParameterValue]) throws(SampoError) -> SamplerParameters {
        var values: [String: ParameterValue] = [:]
        for key in given.keys.sorted() where !parameters.contains(where: { $0.name == key }) {
            throw .unknownParameter(sampler: name, name: key, known: parameters.map(\.name))
        }
        for spec in parameters {
            if let v = given[spec.name] { values[spec.name] = try spec.validate(v) } else if let d = spec.defaultValue { values[spec.name] = d }
        }
        let out = SamplerParameters(values: values, given: Set(given.keys))
        try crossCheck(out)
        return out
    }

    /// Checks a step size for this sampler.
    public func validate(stepSize: Double) throws(SampoError) {
        guard stepSize.isFinite, stepSize > 0 else {
            throw .invalid(.stepSize, "expected a positive finite number for sampler '\(name)', found \(stepSize)")
        }
    }

    /// The parameters with the ones computed from `target` filled in, and a note for each computed one.
    public func resolve(_ parameters: SamplerParameters, target: any LogDensity) -> (parameters: SamplerParameters, notes: [String]) {
        let (p, notes) = targetDefaults(parameters, target)
        return (p, notes)
    }

    /// A kernel for one chain (Markov samplers). Checks the step size; `parameters` come from
    /// `parameters(_:)`. Throws for a population sampler.
    public func makeKernel(target: any LogDensity, stepSize: Double,
                           parameters: SamplerParameters) throws(SampoError) -> any MarkovKernel {
        try kernelFactory(target: target, stepSize: stepSize, parameters: parameters)()
    }

    /// Checks everything once (by building a first kernel) and returns a function that makes one
    /// kernel per chain.
    /// `moments`: what is known of the target's moments (default: the density's own closed forms).
    public func kernelFactory(target: any LogDensity, stepSize: Double, parameters: SamplerParameters, moments: KnownMoments? = nil)
        throws(SampoError) -> @Sendable () throws(SampoError) -> any MarkovKernel {
        let build: @Sendable (any LogDensity, Double, SamplerParameters) throws(SampoError) -> any MarkovKernel
        switch builder {
        case .markov(let b): build = b
        case .tempered(let b):
            let known = moments ?? (target as? any HasKnownMoments)?.knownMoments
            build = { t, h, p throws(SampoError) in try b(t, h, p, known) }
        case .population:
            throw .invalid(.argument("sampler"), "'\(name)' is a population sampler, not a Markov kernel")
        }
        try validate(stepSize: stepSize)   // here for a message naming the sampler; kernels check too
        let resolved = resolve(parameters, target: target).parameters
        _ = try build(target, stepSize, resolved)
        return { () throws(SampoError) in try build(target, stepSize, resolved) }
    }

    /// A kernel with parameters given by name (checked; defaults filled in).
    public func makeKernel(target: any LogDensity, stepSize: Double,
                           parameters given: [String: ParameterValue] = [:]) throws(SampoError) -> any MarkovKernel {
        try makeKernel(target: target, stepSize: stepSize, parameters: try parameters(given))
    }

    /// A population sampler (SMC, rdMC). Throws for a Markov sampler.
    public func makePopulationSampler(parameters: SamplerParameters) throws(SampoError) -> any PopulationSampler {
        guard case .population(let build) = builder else {
            throw .invalid(.argument("sampler"), "'\(name)' is a Markov kernel, not a population sampler")
        }
        return build(parameters)
    }
}
