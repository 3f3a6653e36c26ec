import SampoCore
import SampoDiagnostics
/// A sampler run as the command line describes it: a target, a named sampler with its step
/// size and parameters, and run settings. Validates everything before any chain starts.
public struct SamplingJob: Sendable {
    public let target: NamedTarget
    public let sampler: SamplerInfo
    public let stepSize: Double
    public let parameters: [String: Double]
    public let settings: RunSettings
    /// Every sampler parameter as used (user's, default, or computed from the target).
    public let resolvedParameters: [String: Double]
    /// How computed parameters were chosen (e.g. the friction from the target's L).
    public let parameterNotes: [String]

    public init(target: NamedTarget, sampler: SamplerInfo, stepSize: Double?, parameters: [String: Double],
                settings: RunSettings) throws(SampoError) {
        let h = stepSize ?? sampler.defaultStepSize
        try sampler.validate(stepSize: h, settings: parameters)
        try settings.validate(dimension: target.dimension)
        self.target = target
        self.sampler = sampler
        self.stepSize = h
        self.parameters = parameters
        self.settings = settings
        (resolvedParameters, parameterNotes) = sampler.resolve(settings: parameters, target: target.density)
    }

    public func run() throws(SampoError) -> ChainRun {
        let density = target.density, sampler = self.sampler, h = stepSize, params = parameters
        return try Chains.run(settings: settings, dimension: target.dimension) {
            sampler.makeKernel(target: density, stepSize: h, settings: params)
        }
    }

    /// Metadata for output files: everything that determines the draws (and nothing that
    /// does not, such as `--jobs` or timings, so outputs are byte-identical across job counts).
    public func metadata(kind: String) -> [(String, String)] {
        var m: [(String, String)] = [
            ("sampo", kind), ("target", target.name), ("target_file", target.path),
            ("sampler", sampler.name), ("step_size", "\(stepSize)"), ("seed", "\(settings.seed)"),
            ("chains", "\(settings.chains)"), ("steps", "\(settings.steps)"), ("warmup", "\(settings.warmup)"),
            ("thin", "\(settings.thin)"), ("init", settings.initialization.label),
        ]
        for (k, v) in resolvedParameters.sorted(by: { $0.key < $1.key }) { m.append((k, "\(v)")) }
        return m
    }
}

extension Initialization {
    public var label: String {
        switch self {
        case .normal: return "normal"
        case .zero: return "zero"
        case .point(let x): return x.map { "\($0)" }.joined(separator: " ")
        }
    }
}
