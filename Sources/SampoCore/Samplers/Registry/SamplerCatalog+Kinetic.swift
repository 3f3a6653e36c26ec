/// The kinetic (underdamped) Langevin kernels.
extension SamplerCatalog {
    static func kinetic(_ name: String, _ summary: String, gradients: Int = 1, _ kind: KineticFactory.Kind,
                        capabilities: SamplerInfo.Capabilities = []) -> SamplerInfo {
        SamplerInfo(name: name, summary: summary, family: .kinetic, settings: KineticSettings.self, defaultStepSize: 0.05,
                    usesGradient: true, acceptanceTarget: nil, capabilities: capabilities, cost: { _ in .init(gradients: gradients) },
                    targetDefaults: { s, target in
                        let (gamma, source) = Friction.resolve(s.friction, target: target)
                        return [(KineticSettings.friction, gamma, source)]
                    },
                    builder: .markov(KineticSettings.self) { t, h, s throws(SampoError) in try specialised(KineticFactory(kind: kind), t, h, s) })
    }

    // The splittings take a mass matrix (`--metric-from`); KLMC's and RKLMC's exact OU flows are written for M = I.
    static let kineticEuler = kinetic("kinetic-euler", "Kinetic Langevin, Euler–Maruyama", .euler, capabilities: .givenMetric)
    static let obabo = kinetic("obabo", "Kinetic Langevin, OBABO splitting", .obabo, capabilities: .givenMetric)
    static let baoab = kinetic("baoab", "Kinetic Langevin, BAOAB splitting", .baoab, capabilities: .givenMetric)
    static let klmc = kinetic("klmc", "Kinetic Langevin MC: exact OU flow with frozen gradient", .klmc)
    static let rklmc = kinetic("rklmc", "Randomized-midpoint kinetic Langevin (2 gradients/step)", gradients: 2, .rklmc)
}

struct KineticFactory: KernelFactory {
    enum Kind { case euler, obabo, baoab, klmc, rklmc }
    let kind: Kind
    func make<T: LogDensity>(_ target: T, stepSize: Double, settings: KineticSettings) throws(SampoError) -> any MarkovKernel {
        let gamma = settings.friction ?? .nan   // filled in from the target by the entry's targetDefaults
        switch kind {
        case .euler: return try KineticLangevin(target: target, scheme: .euler, stepSize: stepSize, friction: gamma)
        case .obabo: return try KineticLangevin(target: target, scheme: .obabo, stepSize: stepSize, friction: gamma)
        case .baoab: return try KineticLangevin(target: target, scheme: .baoab, stepSize: stepSize, friction: gamma)
        case .klmc: return try KineticLangevin(target: target, scheme: .klmc, stepSize: stepSize, friction: gamma)
        case .rklmc: return try RKLMC(target: target, stepSize: stepSize, friction: gamma)
        }
    }
}
