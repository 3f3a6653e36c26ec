/// The registry: every sampler Sampo knows by name, Markov and population alike. A sampler is
/// registered once, as a static `SamplerInfo` in the `SamplerCatalog+<Family>.swift` file of its
/// family, listed in `all`; the command line, experiment files, budgets, tuning and the Swift API
/// read it from here.
public enum SamplerCatalog {
    public static let all: [SamplerInfo] = [
        ula, mala, rwm, rlmc,
        myula, mymala, pmala, psgla,
        kineticEuler, obabo, baoab, klmc, rklmc,
        hmc, nuts,
        pt,
        smc, rdmc,
    ]

    public static var names: [String] { all.map(\.name) }
    public static var markovNames: [String] { all.filter { !$0.isPopulation }.map(\.name) }

    /// The sampler called `name`.
    public static func named(_ name: String) throws(SampoError) -> SamplerInfo {
        guard let info = all.first(where: { $0.name == name }) else { throw .unknownSampler(name: name, known: names) }
        return info
    }

    /// The samplers whose step size warm-up can adapt (they have an acceptance step).
    public static var adaptableNames: [String] { all.filter { $0.adaptationTarget(.empty) != nil }.map(\.name) }

    /// Builds a kernel with the concrete target type for the families Sampo ships; the kernels'
    /// `step(rng:)` carry `@_specialize(where Target == GaussianMixture)`, so the runner's dynamic
    /// call lands in code specialised for the mixture (a generic class's witness table is shared by
    /// all its instances, so without it the hot loop would run the generic body). Any other target
    /// opens the existential and takes the generic path.
    static func specialised<F: KernelFactory>(_ factory: F, _ target: any LogDensity, _ h: Double,
                                              _ settings: F.Settings) throws(SampoError) -> any MarkovKernel {
        if let mixture = target as? GaussianMixture { return try factory.make(mixture, stepSize: h, settings: settings) }
        return try factory.make(target, stepSize: h, settings: settings)
    }
}

/// Makes one kind of kernel for any target type (Swift closures cannot be generic).
protocol KernelFactory {
    associatedtype Settings: SamplerSettings
    func make<T: LogDensity>(_ target: T, stepSize: Double, settings: Settings) throws(SampoError) -> any MarkovKernel
}
