/// The registry entries of the Hamiltonian samplers.
extension SamplerCatalog {
    static let metric = ParameterSpec.choice("metric", "diag", ["diag", "dense", "unit"],
        "inverse metric adapted in warm-up: diag (regularised variances), dense (covariance), unit (none)")
    static let delta = ParameterSpec.fraction("delta", 0.8, in: 0, 1, "acceptance statistic the warm-up's dual averaging aims for")

    static let hmc = SamplerInfo(
        name: "hmc", summary: "Hamiltonian Monte Carlo, static trajectory (h = leapfrog step ε; Stan's warm-up)",
        family: .hamiltonian, defaultStepSize: 0.1, usesGradient: true, acceptanceTarget: 0.8,
        parameters: [
            .integer("steps", 10, minimum: 1, "leapfrog steps per transition"),
            .positive("length", nil, "integration time T instead of steps: ⌈T/h⌉ leapfrog steps"),
            // Jittered by default: with a fixed path, chains on Gaussians can be near-periodic and their
            // MCSE too small (10 seeds on a rotated 10-D Gaussian: Σz² of the means 210 for 100
            // coordinates at j = 0, 82 at j = 0.5; of the sds 170 and 109).
            ParameterSpec(name: "jitter", kind: .real(lower: 0, upper: 1, lowerOpen: false, upperOpen: true), defaultValue: .real(0.5),
                          summary: "step-size jitter j: each transition uses h·(1 + j(2u − 1)) (0: a fixed path, as Stan's default)"),
            metric, delta,
        ],
        oracleCallsPerStep: { p in p.integer("steps") ?? 10 },
        adaptsByDefault: true,
        variableCost: false,
        builder: .markov { t, h, p throws(SampoError) in try specialised(HamiltonianFactory(kind: .hmc), t, h, p) })

    static let nuts = SamplerInfo(
        name: "nuts", summary: "No-U-Turn sampler, multinomial, as Stan (h = leapfrog step ε; Stan's warm-up)",
        family: .hamiltonian, defaultStepSize: 0.1, usesGradient: true, acceptanceTarget: 0.8,
        parameters: [
            ParameterSpec(name: "max_depth", kind: .integer(minimum: 1), defaultValue: .integer(10),
                          summary: "maximum tree depth (at most 2^depth leapfrog steps; ≤ 20)"),
            metric, delta,
        ],
        oracleCallsPerStep: { p in 1 << min(p.integer("max_depth") ?? 10, 20) },
        adaptsByDefault: true,
        variableCost: true,
        builder: .markov { t, h, p throws(SampoError) in try specialised(HamiltonianFactory(kind: .nuts), t, h, p) })
}

struct HamiltonianFactory: KernelFactory {
    enum Kind { case hmc, nuts }
    let kind: Kind
    func make<T: LogDensity>(_ target: T, stepSize: Double, parameters: SamplerParameters) throws(SampoError) -> any MarkovKernel {
        switch kind {
        case .hmc:
            return try HMC(target: target, stepSize: stepSize, steps: parameters.integer("steps") ?? 10,
                           integrationTime: parameters.real("length"), jitter: parameters.real("jitter") ?? 0.5)
        case .nuts:
            return try NUTS(target: target, stepSize: stepSize, maxDepth: parameters.integer("max_depth") ?? 10)
        }
    }
}
