/// Reverse diffusion Monte Carlo's parameters.
public struct RDMCSettings: SamplerSettings, Equatable {
    public static let particles = ParameterKey<Int>.integer("particles", 1000, minimum: 2, "number of particles")
    public static let horizon = ParameterKey<Double>.positive("horizon", 2, "horizon T of the forward OU process")
    public static let steps = ParameterKey<Int>.integer("steps", 25, minimum: 1, "outer steps from T to the early stop")
    public static let estimator = ParameterKey<ReverseDiffusion.Estimator>.choice("estimator", .importance, "score estimator")
    public static let innerSamples = ParameterKey<Int>.integer("inner_samples", 200, minimum: 1, "inner samples per score estimate")
    public static let innerSteps = ParameterKey<Int>.integer("inner_steps", 20, minimum: 1, "inner ULA steps (ula, is-ula)")
    public static let innerStepSize = ParameterKey<Double>.positive("inner_step_size", 0.01, "inner ULA step size")
    public static let earlyStop = ParameterKey<Double>.positive("early_stop", 0.05, "early-stop time δ")
    public static let start = ParameterKey<ReverseDiffusion.Start>.choice("init", .gaussian, "initial particles")
    public static let denoise = ParameterKey<Bool>.flag("denoise", true, "final denoising step at δ")
    public static let proposal = ParameterKey<ReverseDiffusion.ProposalKind>.choice("proposal", .adaptive,
        "IS proposal: φ = N(x/a, σ²/a² I) times a Gaussian fitted to the target, or φ alone")
    public static let specs = [particles.spec, horizon.spec, steps.spec, estimator.spec, innerSamples.spec, innerSteps.spec,
                               innerStepSize.spec, earlyStop.spec, start.spec, denoise.spec, proposal.spec]

    public var particles: Int
    public var horizon: Double
    public var steps: Int
    public var estimator: ReverseDiffusion.Estimator
    public var innerSamples: Int
    public var innerSteps: Int
    public var innerStepSize: Double
    public var earlyStop: Double
    public var start: ReverseDiffusion.Start
    public var denoise: Bool
    public var proposal: ReverseDiffusion.ProposalKind

    public init(_ p: SamplerParameters) {
        particles = p[Self.particles]; horizon = p[Self.horizon]; steps = p[Self.steps]; estimator = p[Self.estimator]
        innerSamples = p[Self.innerSamples]; innerSteps = p[Self.innerSteps]; innerStepSize = p[Self.innerStepSize]
        earlyStop = p[Self.earlyStop]; start = p[Self.start]; denoise = p[Self.denoise]; proposal = p[Self.proposal]
    }

    /// Checks that involve several parameters.
    func check() throws(SampoError) {
        guard earlyStop < horizon else {
            throw .invalid(.samplerParameter(Self.earlyStop.name), "must be below the horizon \(horizon), found \(earlyStop)")
        }
    }
}
