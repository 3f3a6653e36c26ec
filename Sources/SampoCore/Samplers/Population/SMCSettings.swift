/// Adaptive tempered SMC's parameters.
public struct SMCSettings: SamplerSettings, Equatable {
    public static let particles = ParameterKey<Int>.integer("particles", 2000, minimum: 2, "population size N")
    public static let essTarget = ParameterKey<Double>.fraction("ess_target", 0.5, in: 0, 1, "each stage keeps ESS = ρN of the incremental weights")
    public static let resampling = ParameterKey<Resampling>.choice("resampling", .systematic, "resampling scheme")
    public static let moves = ParameterKey<Int>.integer("moves", 10, minimum: 1, "MH sweeps per stage")
    public static let kernel = ParameterKey<TemperedSMC.Kernel>.choice("kernel", .rwm,
        "move kernel: rwm, mala (scaled by the particle covariance), mixture (independent MH from a fitted Gaussian mixture)")
    public static let components = ParameterKey<Int>.integer("components", 0, minimum: 0,
        "mixture: components of the fitted proposal (0: chosen by BIC among 1…8)")
    public static let localMoves = ParameterKey<Int>.integer("local_moves", 0, minimum: 0, "mixture: RWM sweeps after each independent-proposal sweep")
    public static let wasteFree = ParameterKey<Bool>.flag("waste_free", false, "waste-free SMC (Dau & Chopin 2022): keep every state of N/P chains")
    public static let chainLength = ParameterKey<Int>.integer("chain_length", 10, minimum: 2, "waste-free chain length P")
    public static let referenceScale = TemperingSettings.referenceScale
    public static let specs = [particles.spec, essTarget.spec, resampling.spec, moves.spec, kernel.spec, components.spec,
                               localMoves.spec, wasteFree.spec, chainLength.spec, referenceScale.spec]

    public var particles: Int
    public var essTarget: Double
    public var resampling: Resampling
    public var moves: Int
    public var kernel: TemperedSMC.Kernel
    /// Mixture proposals: components (nil: BIC over 1…8).
    public var components: Int?
    public var localMoves: Int
    public var wasteFree: Bool
    public var chainLength: Int
    /// nil: from the target's known moments (`GaussianReference.choose`).
    public var referenceScale: Double?
    /// The parameters given (not defaulted): one that only another kernel or mode uses is refused.
    public var given: Set<String> = []

    public init(_ p: SamplerParameters) {
        given = p.given
        particles = p[Self.particles]; essTarget = p[Self.essTarget]; resampling = p[Self.resampling]
        moves = p[Self.moves]; kernel = p[Self.kernel]
        components = p[Self.components] == 0 ? nil : p[Self.components]
        localMoves = p[Self.localMoves]; wasteFree = p[Self.wasteFree]; chainLength = p[Self.chainLength]
        referenceScale = p[Self.referenceScale]
    }

    /// Checks that involve several parameters.
    func check() throws(SampoError) {
        for key in [Self.components.name, Self.localMoves.name] where given.contains(key) && kernel != .mixture {
            throw .invalid(.samplerParameter(key), "applies to kernel = mixture only (the kernel is \(kernel.rawValue)); drop it or set kernel = mixture")
        }
        if given.contains(Self.chainLength.name) && !wasteFree {
            throw .invalid(.samplerParameter(Self.chainLength.name), "applies to waste_free = on only; drop it or set waste_free = on")
        }
        if wasteFree, kernel == .mixture {
            throw .invalid(.samplerParameter(Self.kernel.name), "mixture proposals are not available with waste_free = on")
        }
        if wasteFree, particles / chainLength < 2 {
            throw .invalid(.samplerParameter(Self.chainLength.name), "waste-free SMC needs particles / chain_length ≥ 2")
        }
    }
}
