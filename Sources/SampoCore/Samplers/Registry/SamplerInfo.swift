/// One sampler of the registry: what it is, its typed parameters, how many oracle calls a step
/// costs, what acceptance rate tuning aims for, and how to build it. Markov kernels and
/// population samplers are described the same way.
public struct SamplerInfo: Sendable {
    /// The kind of sampler, for listings.
    public enum Family: String, Sendable { case overdamped, proximal, kinetic, hamiltonian, tempering, population }

    /// How the sampler is built: a Markov kernel per chain, or a population sampler per run.
    public enum Builder: Sendable {
        case markov(@Sendable (any LogDensity, Double, SamplerParameters) throws(SampoError) -> any MarkovKernel)
        /// A Markov kernel that also needs what is known of the target's moments (its Gaussian
        /// reference: parallel tempering).
        case tempered(@Sendable (any LogDensity, Double, SamplerParameters, KnownMoments?) throws(SampoError) -> any MarkovKernel)
        case population(@Sendable (SamplerParameters) -> any PopulationSampler)
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
    /// Oracle calls per step for budgets: gradient evaluations, or density evaluations if gradient-free.
    public let oracleCallsPerStep: @Sendable (SamplerParameters) -> Int
    /// Whether warm-up adapts the step size (and metric) unless `--adapt off` (HMC and NUTS).
    public let adaptsByDefault: Bool
    /// Whether the oracle calls of a step vary from step to step (NUTS; HMC with a trajectory
    /// length); `oracleCallsPerStep` is then an estimate, and budgets count the calls themselves.
    public let variableCost: Bool
    /// Checks that involve several parameters at once.
    let crossCheck: @Sendable (SamplerParameters) throws(SampoError) -> Void
    public let builder: Builder

    public init(name: String, summary: String, family: Family, defaultStepSize: Double?, usesGradient: Bool,
                acceptanceTarget: Double?, parameters: [ParameterSpec] = [],
                oracleCallsPerStep: @escaping @Sendable (SamplerParameters) -> Int = { _ in 1 },
                crossCheck: @escaping @Sendable (SamplerParameters) throws(SampoError) -> Void = { _ throws(SampoError) in },
                adaptsByDefault: Bool = false, variableCost: Bool = false, builder: Builder) {
        self.adaptsByDefault = adaptsByDefault; self.variableCost = variableCost
        self.name = name; self.summary = summary; self.family = family; self.defaultStepSize = defaultStepSize
        self.usesGradient = usesGradient; self.acceptanceTarget = acceptanceTarget; self.parameters = parameters
        self.oracleCallsPerStep = oracleCallsPerStep; self.crossCheck = crossCheck; self.builder = builder
    }

    public var isPopulation: Bool { if case .population = builder { return true } else { return false } }
    public var metropolisAdjusted: Bool { acceptanceTarget != nil }

    /// The acceptance statistic warm-up adaptation aims for: `delta` when the sampler has it,
    /// else its acceptance target (nil: the sampler cannot adapt its step size).
    public func adaptationTarget(_ parameters: SamplerParameters) -> Double? {
        parameters.real("delta") ?? acceptanceTarget
    }

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
        var out = parameters, notes: [String] = []
        if self.parameters.contains(where: { $0.name == "friction" }), parameters.real("friction") == nil {
            let (gamma, source) = Friction.resolve(parameters.real("friction"), target: target)
            out.set("friction", .real(gamma))
            notes.append("friction = \(gamma): \(source)")
        }
        return (out, notes)
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
            throw .usage("sampler '\(name)' is a population sampler, not a Markov kernel")
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
            throw .usage("sampler '\(name)' is a Markov kernel, not a population sampler")
        }
        return build(parameters)
    }
}
