import SampoCore
/// A sampler run as the command line describes it: a target, a named sampler with its step
/// size and parameters, and run settings. Validates everything before any chain starts.
public struct SamplingJob: Sendable {
    public let target: NamedTarget
    public let sampler: SamplerInfo
    public let stepSize: Double
    /// The checked parameters (given or defaulted).
    public let parameters: SamplerParameters
    public let settings: RunSettings
    /// Every sampler parameter as used (user's, default, or computed from the target).
    public let resolvedParameters: [String: Double]
    /// How computed parameters were chosen (e.g. the friction from the target's L).
    public let parameterNotes: [String]
    /// Makes one kernel per chain; built (and so every check made) once, in init.
    private let makeKernel: @Sendable () throws(SampoError) -> any MarkovKernel

    /// The step size a run without `--step-size` starts from: the target's proposal for the
    /// sampler, else the sampler's default.
    public static func defaultStepSize(target: NamedTarget, sampler: SamplerInfo, parameters: [String: ParameterValue] = [:]) -> Double? {
        targetDefaults(target: target, sampler: sampler, parameters: parameters).stepSize ?? sampler.defaultStepSize
    }

    /// A target may propose the proximal samplers' λ and h (imaging: λ = 1/L_f, h = 1/(L_f + 1/λ)):
    /// the parameters with its λ filled in where none was given, and its h.
    static func targetDefaults(target: NamedTarget, sampler: SamplerInfo, parameters given: [String: ParameterValue])
        -> (parameters: [String: ParameterValue], stepSize: Double?) {
        guard sampler.capabilities.contains(.proximalDefaults), let defaults = (target.density as? CompositeTarget)?.smooth as? any HasProximalDefaults else {
            return (given, nil)
        }
        var parameters = given
        let key = MoreauYosidaSettings.lambda.name
        if parameters[key] == nil, sampler.parameters.contains(where: { $0.name == key }) {
            parameters[key] = .real(defaults.defaultLambda)
        }
        let lambda = parameters[key].flatMap { v -> Double? in
            switch v {
            case .real(let x): return x
            case .integer(let i): return Double(i)
            case .text(let t): return Double(t)
            default: return nil
            }
        } ?? defaults.defaultLambda
        return (parameters, defaults.defaultStepSize(lambda: lambda))
    }

    /// A Markov sampler run; `stepSize` nil takes the sampler's default (with adaptation, it is
    /// where warm-up starts). `adapt` nil: the sampler's default (on for hmc and nuts only);
    /// on: Stan's warm-up (dual averaging to the sampler's `delta` or acceptance target, and the
    /// windowed metric for Hamiltonian samplers). It overrides `settings.adaptation`.
    public init(target: NamedTarget, sampler: SamplerInfo, stepSize: Double?, parameters: [String: ParameterValue] = [:],
                settings: RunSettings, adapt: Bool? = nil) throws(SampoError) {
        let (parameters, proposed) = Self.targetDefaults(target: target, sampler: sampler, parameters: parameters)
        guard !sampler.isPopulation, let h = stepSize ?? proposed ?? sampler.defaultStepSize else {
            throw .usage("sampler '\(sampler.name)' is a population sampler; run it with PopulationJob")
        }
        // A step size the target proposed (imaging: from its smoothness constant) that is not usable
        // is the target's fault, not a step size the user gave.
        if stepSize == nil, let p = proposed, !(p.isFinite && p > 0) {
            throw .invalid(.argument("target"), "'\(target.name)' proposes the step size \(p) for \(sampler.name) (from its smoothness constant: "
                           + "a noise level or blur out of range?); give a step size")
        }
        try sampler.validate(stepSize: h)
        // A model sampled in other coordinates than it reports (a Stan program) has no nonsmooth
        // term to take a proximal map of: a proximal sampler would run as a plain Langevin one.
        if sampler.family == .proximal, target.density is any ReportedCoordinates {
            throw .usage("sampler '\(sampler.name)' is proximal, and the target '\(target.name)' has no proximal (nonsmooth) term; use a gradient sampler (nuts, hmc, mala, ula, the kinetic ones)")
        }
        self.parameters = try sampler.parameters(parameters)
        var settings = settings
        settings.adaptation = nil
        // A metric asked of a sampler that does not adapt by default (mala) turns its warm-up on.
        let adaptsAMetric = (sampler.metric(self.parameters) ?? .unit) != .unit && !sampler.adaptsByDefault
        if adaptsAMetric && adapt == false {
            throw .invalid(.samplerParameter("metric"), "sampler '\(sampler.name)' adapts its metric in warm-up; with adaptation off it would be unused (drop metric, or turn adaptation on)")
        }
        // (and so does a metric given to start from: its step size is adapted to it)
        if adapt ?? (sampler.adaptsByDefault || adaptsAMetric || (settings.initialMetric != nil && sampler.adaptsMetric)) {
            guard let goal = sampler.adaptationTarget(self.parameters) else {
                throw .invalid(.argument("adapt"), "sampler '\(sampler.name)' has no acceptance step to adapt its step size to "
                                + "(adaptation applies to \(SamplerCatalog.adaptableNames.joined(separator: ", ")))")
            }
            let w = sampler.warmup(self.parameters)
            settings.adaptation = RunSettings.Adaptation(target: goal, metric: settings.initialMetric == nil ? w?.metric ?? .unit : .unit,
                                                         schedule: w?.schedule ?? .stan, lowRank: w?.lowRank ?? .init(),
                                                         refitEvery: w?.refitEvery ?? 1)
        }
        if settings.initialMetric != nil && !sampler.takesMetric {
            throw .invalid(.argument("initialMetric"), "sampler '\(sampler.name)' has no metric to start from (hmc, nuts, mala and the kinetic splittings baoab, obabo, kinetic-euler have one)")
        }
        try settings.validate(dimension: target.dimension)
        // A target whose gradient is not `dimension` long is refused here, at the first chain's
        // start, rather than sampled with NaN gradients that reject every proposal.
        let probe = settings.initialization.start(chain: 0, rng: RandomStream(seed: settings.seed, stream: 0), dimension: target.dimension)
        try probe.withUnsafeBufferPointer { (p) throws(SampoError) in try target.density.checkLengths(at: p.baseAddress!) }
        makeKernel = try sampler.kernelFactory(target: target.density, stepSize: h, parameters: self.parameters, moments: target.moments)
        if settings.samplerStatistics, !(try makeKernel() is any TransitionReporting) {
            throw .invalid(.argument("samplerStatistics"), "sampler '\(sampler.name)' records no per-transition statistics "
                            + "(Metropolis-adjusted and Hamiltonian samplers do)")
        }
        self.target = target
        self.sampler = sampler
        self.stepSize = h
        self.settings = settings
        let resolved = sampler.resolve(self.parameters, target: target.density)
        resolvedParameters = resolved.parameters.reals
        parameterNotes = resolved.notes
    }

    /// Runs the chains. Throws `.nonFiniteStart` for a start with a non-finite log density and
    /// `.allChainsDiverged` when no chain survives; chains that diverged are in the outcomes.
    public func run(checkpoints: CheckpointControl? = nil, resumingFrom resumed: RunCheckpoint? = nil) throws(SampoError) -> ChainRun {
        let run = try runKeepingDivergedChains(checkpoints: checkpoints, resumingFrom: resumed)
        guard run.divergedChains.count < run.outcomes.count else { throw .allChainsDiverged(chains: run.outcomes.count) }
        return run
    }

    /// Runs the chains and returns even when every chain diverged (for comparison tables and the
    /// command line, which record and report the divergences). `checkpoints` and `resumingFrom` as
    /// in ``Chains/run(settings:dimension:checkpoints:resumingFrom:makeKernel:)``.
    public func runKeepingDivergedChains(checkpoints: CheckpointControl? = nil, resumingFrom resumed: RunCheckpoint? = nil) throws(SampoError) -> ChainRun {
        var run = try Chains.run(settings: settings, dimension: target.dimension, checkpoints: checkpoints, resumingFrom: resumed,
                                 makeKernel: makeKernel)
        let cost = target.density.costOfGradientCall
        for c in run.outcomes.indices { run.outcomes[c].counts = run.outcomes[c].counts.charged(gradientCallsAt: cost) }
        return run
    }

    /// A checkpoint's state record of this job's run as `RunCheckpoint.write` wrote it, read back
    /// (checked against the chains, the dimension and the number of draws kept).
    public func readCheckpoint(from r: inout CheckpointReader) throws(SampoError) -> RunCheckpoint {
        try RunCheckpoint.read(from: &r, chains: settings.chains, dimension: target.dimension, capacity: settings.drawsCapacity,
                               statisticsColumns: TransitionStatistics.columns.count)
    }

    /// Metadata for output files: everything that determines the draws (and nothing that
    /// does not, such as the number of worker threads or timings, so outputs are byte-identical across job counts).
    public func metadata(kind: String) -> [(String, String)] {
        var m: [(String, String)] = [
            ("sampo", kind), ("target", target.name), ("target_file", target.path),
            ("sampler", sampler.name), ("step_size", "\(stepSize)"), ("seed", "\(settings.seed)"),
            ("chains", "\(settings.chains)"), ("steps", "\(settings.steps)"), ("warmup", "\(settings.warmup)"),
            ("thin", "\(settings.thin)"), ("init", settings.initialization.label),
        ]
        if settings.divergenceBound != RunSettings.defaultDivergenceBound { m.append(("divergence_bound", "\(settings.divergenceBound)")) }
        for (k, v) in resolvedParameters.sorted(by: { $0.key < $1.key }) { m.append((k, "\(v)")) }
        if let a = settings.adaptation {
            m.append(("adapt", "on"))
            m.append(("adapt_target", "\(a.target)"))
            if sampler.adaptsMetric { m.append(("metric", a.metric.rawValue)); m.append(("metric_adaptation", a.schedule.rawValue)) }
        } else if sampler.adaptsByDefault {
            m.append(("adapt", "off"))
        }
        return m
    }

    /// What warm-up adapted, per chain, for output files: the step sizes and inverse metrics.
    public func adaptationMetadata(_ run: ChainRun) -> [(String, String)] {
        guard settings.adaptation != nil else { return [] }
        var m: [(String, String)] = [
            ("adapted_step_size", run.outcomes.map { $0.adaptedStepSize.map { "\($0)" } ?? "-" }.joined(separator: " ")),
        ]
        for (c, o) in run.outcomes.enumerated() {
            if let metric = o.inverseMetric, metric != .unit {
                m.append(("inverse_metric_\(c + 1)", metric.values.map { "\($0)" }.joined(separator: " ")))
                if let lr = metric.lowRank { m.append(("metric_eigenvalues_\(c + 1)", lr.eigenvalues.map { "\($0)" }.joined(separator: " "))) }
            }
        }
        return m
    }
}

extension Initialization {
    public var label: String {
        switch self {
        case .normal: return "normal"
        case .zero: return "zero"
        case .uniform(let r): return "uniform(-\(r), \(r))"
        case .point(let x): return x.map { "\($0)" }.joined(separator: " ")
        case .points(let xs): return xs.map { $0.map { "\($0)" }.joined(separator: " ") }.joined(separator: "; ")
        }
    }
}
