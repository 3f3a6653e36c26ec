/// A sampler and its settings for `Sampo.sample`: one static member per sampler of the registry.
/// An argument left nil takes the registry's default, so defaults live in one place; every value
/// is checked by the registry when the run starts.
public struct SamplerChoice: Sendable, Equatable {
    /// The registry name (`mala`, `smc`, …).
    public let name: String
    /// The step size of a Markov sampler (nil: the sampler's default); population samplers take none.
    public var stepSize: Double?
    /// Parameters by registry name.
    public var parameters: [String: ParameterValue]
    /// Stan's warm-up adaptation: nil takes the sampler's default (on for hmc and nuts, off for
    /// the rest); `true` also adapts the step size of mala, rwm, mymala and pmala.
    public var adapt: Bool?

    /// Any registry sampler by name, with parameters by their registry names.
    public init(name: String, stepSize: Double? = nil, parameters: [String: ParameterValue] = [:], adapt: Bool? = nil) {
        self.name = name
        self.stepSize = stepSize
        self.parameters = parameters
        self.adapt = adapt
    }

    /// This choice with warm-up adaptation turned on or off.
    public func adapting(_ on: Bool) -> SamplerChoice {
        var c = self
        c.adapt = on
        return c
    }

    static func with(_ name: String, _ stepSize: Double?, _ parameters: [String: ParameterValue?] = [:]) -> SamplerChoice {
        SamplerChoice(name: name, stepSize: stepSize, parameters: parameters.compactMapValues { $0 })
    }

    // Overdamped Langevin and Metropolis.
    /// Unadjusted Langevin algorithm.
    public static func ula(stepSize: Double? = nil) -> SamplerChoice { with("ula", stepSize) }
    /// Metropolis-adjusted Langevin algorithm.
    /// With a `metric` (any of `.nuts`'s) warm-up adapts it and the step size, and the proposal is
    /// preconditioned by it.
    public static func mala(stepSize: Double? = nil, metric: MetricKind? = nil, adaptation: AdaptationSchedule? = nil,
                            rankCutoff: Double? = nil, rankGamma: Double? = nil, refitEvery: Int? = nil) -> SamplerChoice {
        with("mala", stepSize, ["metric": metric.map { .text($0.rawValue) }]
             .merging(warmupParameters(adaptation, rankCutoff, rankGamma, refitEvery)) { a, _ in a })
    }

    /// The metric keys every sampler with a metric shares.
    static func warmupParameters(_ adaptation: AdaptationSchedule?, _ rankCutoff: Double?, _ rankGamma: Double?,
                                 _ refitEvery: Int?) -> [String: ParameterValue?] {
        ["adaptation": adaptation.map { .text($0.rawValue) }, "rank_cutoff": rankCutoff.map(ParameterValue.real),
         "rank_gamma": rankGamma.map(ParameterValue.real), "refit_every": refitEvery.map(ParameterValue.integer)]
    }
    /// Random-walk Metropolis; `stepSize` is the proposal standard deviation.
    public static func rwm(stepSize: Double? = nil) -> SamplerChoice { with("rwm", stepSize) }
    /// Randomized-midpoint overdamped Langevin.
    public static func rlmc(stepSize: Double? = nil) -> SamplerChoice { with("rlmc", stepSize) }

    // Proximal Langevin (composite targets; any target through its Moreau–Yosida view).
    /// Moreau–Yosida ULA with smoothing λ.
    public static func myula(stepSize: Double? = nil, lambda: Double? = nil) -> SamplerChoice {
        with("myula", stepSize, ["lambda": lambda.map(ParameterValue.real)])
    }
    /// MYULA proposal, Metropolis-corrected.
    public static func mymala(stepSize: Double? = nil, lambda: Double? = nil) -> SamplerChoice {
        with("mymala", stepSize, ["lambda": lambda.map(ParameterValue.real)])
    }
    /// Proximal MALA (Pereyra).
    public static func pmala(stepSize: Double? = nil) -> SamplerChoice { with("pmala", stepSize) }
    /// Proximal stochastic gradient Langevin.
    public static func psgla(stepSize: Double? = nil) -> SamplerChoice { with("psgla", stepSize) }

    // Kinetic Langevin.
    /// Kinetic Langevin, Euler–Maruyama.
    public static func kineticEuler(stepSize: Double? = nil, friction: Double? = nil) -> SamplerChoice {
        with("kinetic-euler", stepSize, ["friction": friction.map(ParameterValue.real)])
    }
    /// Kinetic Langevin, OBABO splitting.
    public static func obabo(stepSize: Double? = nil, friction: Double? = nil) -> SamplerChoice {
        with("obabo", stepSize, ["friction": friction.map(ParameterValue.real)])
    }
    /// Kinetic Langevin, BAOAB splitting.
    public static func baoab(stepSize: Double? = nil, friction: Double? = nil) -> SamplerChoice {
        with("baoab", stepSize, ["friction": friction.map(ParameterValue.real)])
    }
    /// Kinetic Langevin Monte Carlo (exact OU flow, frozen gradient).
    public static func klmc(stepSize: Double? = nil, friction: Double? = nil) -> SamplerChoice {
        with("klmc", stepSize, ["friction": friction.map(ParameterValue.real)])
    }
    /// Randomized-midpoint kinetic Langevin.
    public static func rklmc(stepSize: Double? = nil, friction: Double? = nil) -> SamplerChoice {
        with("rklmc", stepSize, ["friction": friction.map(ParameterValue.real)])
    }

    // Hamiltonian Monte Carlo (stepSize is the leapfrog step ε, the initial one when adapting).
    /// Static HMC: `steps` leapfrog steps, or `length` integration time; Stan's warm-up by default.
    public static func hmc(stepSize: Double? = nil, steps: Int? = nil, length: Double? = nil, jitter: Double? = nil,
                           metric: MetricKind? = nil, adaptation: AdaptationSchedule? = nil, rankCutoff: Double? = nil,
                           rankGamma: Double? = nil, refitEvery: Int? = nil, delta: Double? = nil) -> SamplerChoice {
        with("hmc", stepSize, ["steps": steps.map(ParameterValue.integer), "length": length.map(ParameterValue.real),
                               "jitter": jitter.map(ParameterValue.real), "metric": metric.map { .text($0.rawValue) },
                               "delta": delta.map(ParameterValue.real)]
             .merging(warmupParameters(adaptation, rankCutoff, rankGamma, refitEvery)) { a, _ in a })
    }
    /// The No-U-Turn sampler as Stan's; `metric` `.diag` (default), `.dense`, `.fisherDiag`,
    /// `.fisherLowRank`, `.fisherDense` (fitted from draws and gradients by minimising Fisher
    /// divergence) or `.unit`; `adaptation` `.stan` (default) or `.nutpie` (nuts-rs's schedule);
    /// `rankCutoff` and `rankGamma` tune the low-rank fit (2 and 10⁻⁵), `refitEvery` nutpie's refits.
    public static func nuts(stepSize: Double? = nil, maxDepth: Int? = nil, metric: MetricKind? = nil,
                            adaptation: AdaptationSchedule? = nil, rankCutoff: Double? = nil, rankGamma: Double? = nil,
                            refitEvery: Int? = nil, delta: Double? = nil) -> SamplerChoice {
        with("nuts", stepSize, ["max_depth": maxDepth.map(ParameterValue.integer), "metric": metric.map { .text($0.rawValue) },
                                "delta": delta.map(ParameterValue.real)]
             .merging(warmupParameters(adaptation, rankCutoff, rankGamma, refitEvery)) { a, _ in a })
    }

    /// Non-reversible parallel tempering; `stepSize` is where each replica's step adaptation starts.
    public static func pt(stepSize: Double? = nil, replicas: Int? = nil, explorer: TemperingExplorer? = nil,
                          referenceScale: Double? = nil) -> SamplerChoice {
        with("pt", stepSize, ["replicas": replicas.map(ParameterValue.integer), "explorer": explorer.map { .text($0.rawValue) },
                              "reference_scale": referenceScale.map(ParameterValue.real)])
    }

    // Population samplers: `chains` in `Sampo.sample` is the number of independent runs.
    /// Adaptive tempered SMC.
    /// `components` nil (or 0): chosen by BIC; `localMoves`: RWM sweeps after each mixture sweep.
    public static func smc(particles: Int? = nil, essTarget: Double? = nil, resampling: Resampling? = nil,
                           moves: Int? = nil, kernel: TemperedSMC.Kernel? = nil, components: Int? = nil, localMoves: Int? = nil,
                           wasteFree: Bool? = nil, chainLength: Int? = nil, referenceScale: Double? = nil) -> SamplerChoice {
        with("smc", nil, [
            "particles": particles.map(ParameterValue.integer), "ess_target": essTarget.map(ParameterValue.real),
            "resampling": resampling.map { .text($0.rawValue) }, "moves": moves.map(ParameterValue.integer),
            "kernel": kernel.map { .text($0.rawValue) }, "components": components.map(ParameterValue.integer),
            "local_moves": localMoves.map(ParameterValue.integer), "waste_free": wasteFree.map(ParameterValue.flag),
            "chain_length": chainLength.map(ParameterValue.integer),
            "reference_scale": referenceScale.map(ParameterValue.real),
        ])
    }

    /// Reverse diffusion Monte Carlo.
    public static func rdmc(particles: Int? = nil, horizon: Double? = nil, steps: Int? = nil,
                            estimator: ReverseDiffusion.Estimator? = nil, innerSamples: Int? = nil, innerSteps: Int? = nil,
                            innerStepSize: Double? = nil, earlyStop: Double? = nil, start: ReverseDiffusion.Start? = nil,
                            denoise: Bool? = nil, proposal: ReverseDiffusion.ProposalKind? = nil) -> SamplerChoice {
        with("rdmc", nil, [
            "proposal": proposal.map { .text($0.rawValue) },
            "particles": particles.map(ParameterValue.integer), "horizon": horizon.map(ParameterValue.real),
            "steps": steps.map(ParameterValue.integer), "estimator": estimator.map { .text($0.rawValue) },
            "inner_samples": innerSamples.map(ParameterValue.integer), "inner_steps": innerSteps.map(ParameterValue.integer),
            "inner_step_size": innerStepSize.map(ParameterValue.real), "early_stop": earlyStop.map(ParameterValue.real),
            "init": start.map { .text($0.rawValue) }, "denoise": denoise.map(ParameterValue.flag),
        ])
    }
}
