/// The samplers the command line and the experiment runner know by name, with their
/// parameters and defaults. A new kernel is added here once and is then available everywhere.
public struct SamplerInfo: Sendable {
    public struct Parameter: Sendable {
        public let name: String
        public let defaultValue: Double
        public let summary: String
    }

    public let name: String
    public let summary: String
    /// Default `--step-size` (h in the Langevin convention; proposal sd for RWM).
    public let defaultStepSize: Double
    /// Oracle calls per step, for budgets: gradient evaluations, or density evaluations if gradient-free.
    public let gradientsPerStep: Int
    public let usesGradient: Bool
    public let metropolisAdjusted: Bool
    public let parameters: [Parameter]
    let build: @Sendable (any LogDensity, Double, [String: Double]) -> any MarkovKernel

    /// A kernel for one chain. `stepSize` must be positive and finite; `settings` holds only known keys.
    public func makeKernel(target: any LogDensity, stepSize: Double, settings: [String: Double] = [:]) -> any MarkovKernel {
        var full = Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.defaultValue) })
        full.merge(settings) { _, new in new }
        return build(target, stepSize, full)
    }

    /// Checks a step size and `--set` parameters; the error names the sampler and the key.
    public func validate(stepSize: Double, settings: [String: Double]) throws(SampoError) {
        guard stepSize.isFinite, stepSize > 0 else {
            throw .usage("--step-size: expected a positive finite number for sampler '\(name)', found \(stepSize)")
        }
        for (key, value) in settings.sorted(by: { $0.key < $1.key }) {
            guard parameters.contains(where: { $0.name == key }) else {
                let known = parameters.isEmpty ? "it takes none" : "known: " + parameters.map(\.name).joined(separator: ", ")
                throw .usage("--set \(key): sampler '\(name)' has no parameter '\(key)' (\(known))")
            }
            guard value.isFinite else { throw .usage("--set \(key): expected a finite number, found \(value)") }
        }
    }
}

public enum SamplerCatalog {
    public static let all: [SamplerInfo] = [
        SamplerInfo(name: "ula", summary: "Unadjusted Langevin algorithm (biased for fixed h)",
                    defaultStepSize: 0.05, gradientsPerStep: 1, usesGradient: true, metropolisAdjusted: false,
                    parameters: []) { target, h, s in specialised(ULAFactory(), target, h, s) },
        SamplerInfo(name: "mala", summary: "Metropolis-adjusted Langevin algorithm",
                    defaultStepSize: 0.1, gradientsPerStep: 1, usesGradient: true, metropolisAdjusted: true,
                    parameters: []) { target, h, s in specialised(MALAFactory(), target, h, s) },
        SamplerInfo(name: "rwm", summary: "Random-walk Metropolis (step size = proposal sd)",
                    defaultStepSize: 1.0, gradientsPerStep: 1, usesGradient: false, metropolisAdjusted: true,
                    parameters: []) { target, h, s in specialised(RWMFactory(), target, h, s) },
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

struct ULAFactory: KernelFactory {
    func make<T: LogDensity>(_ target: T, stepSize: Double, settings: [String: Double]) -> any MarkovKernel {
        ULA(target: target, stepSize: stepSize)
    }
}

struct MALAFactory: KernelFactory {
    func make<T: LogDensity>(_ target: T, stepSize: Double, settings: [String: Double]) -> any MarkovKernel {
        MALA(target: target, stepSize: stepSize)
    }
}

struct RWMFactory: KernelFactory {
    func make<T: LogDensity>(_ target: T, stepSize: Double, settings: [String: Double]) -> any MarkovKernel {
        RWM(target: target, stepSize: stepSize)
    }
}
