import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// The registry is the only home of defaults and costs: every sampler built without parameters
/// through the public API carries the registry's defaults, every fixed step cost is what a run
/// counts, and the Swift API offers every sampler and parameter of the registry.
final class RegistryTests: XCTestCase {
    private let mixture = try! GaussianMixture(weights: [0.3, 0.7], means: [[-2, 0], [2, 1]], covariances: .isotropic([0.5, 1.0]))

    /// The parameters of a sampler built from empty parameters, read back from the built value.
    /// A new registry entry without a reader here fails the walk below.
    private func builtValues(_ info: SamplerInfo) throws -> [String: ParameterValue]? {
        if info.isPopulation {
            let built = try info.makePopulationSampler(parameters: .empty)
            if let smc = built as? TemperedSMC {
                let direct = TemperedSMC(parameters: .empty)   // the public init a Swift user calls
                for s in [smc, direct] {
                    XCTAssertEqual(s.particles, direct.particles)
                }
                return ["particles": .integer(direct.particles), "ess_target": .real(direct.essTarget),
                        "resampling": .text(direct.resampling.rawValue), "moves": .integer(direct.moves),
                        "kernel": .text(direct.kernel.rawValue), "components": .integer(direct.components ?? 0),
                        "local_moves": .integer(direct.localMoves), "waste_free": .flag(direct.wasteFree),
                        "chain_length": .integer(direct.chainLength)]
            }
            if built is ReverseDiffusion {
                let r = ReverseDiffusion(parameters: .empty)
                return ["particles": .integer(r.particles), "horizon": .real(r.horizon), "steps": .integer(r.steps),
                        "estimator": .text(r.estimator.rawValue), "inner_samples": .integer(r.innerSamples),
                        "inner_steps": .integer(r.innerSteps), "inner_step_size": .real(r.innerStepSize),
                        "early_stop": .real(r.earlyStop), "init": .text(r.start.rawValue), "denoise": .flag(r.denoise),
                        "proposal": .text(r.proposal.rawValue)]
            }
            return nil
        }
        let kernel = try info.makeKernel(target: mixture, stepSize: info.defaultStepSize ?? 0.1)
        switch kernel {
        case let k as HMC<GaussianMixture>:
            let direct = try HMC(target: mixture, stepSize: 0.1)
            XCTAssertEqual(direct.steps, k.steps); XCTAssertEqual(direct.jitter, k.jitter)
            return ["steps": .integer(k.steps), "jitter": .real(k.jitter)]
        case let k as NUTS<GaussianMixture>:
            XCTAssertEqual(try NUTS(target: mixture, stepSize: 0.1).maxDepth, k.maxDepth)
            return ["max_depth": .integer(k.maxDepth)]
        case let k as ParallelTempering<GaussianMixture>:
            return ["replicas": .integer(k.betas.count), "explorer": .text(k.explorer.rawValue)]
        case is MALA<GaussianMixture>: return [:]   // its parameters are all warm-up's
        case let k as MYULA: return ["lambda": .real(k.lambda)]
        case let k as MYMALA: return ["lambda": .real(k.lambda)]
        default: return info.parameters.isEmpty || info.parameters.allSatisfy({ $0.defaultValue == nil }) ? [:] : nil
        }
    }

    func testEverySamplerBuiltFromEmptyParametersTakesTheRegistryDefaults() throws {
        for info in SamplerCatalog.all {
            var values = try XCTUnwrap(try builtValues(info), "\(info.name): no reader for its built parameters in this test")
            // Warm-up's metric and goal are read by the run, not the kernel: through the entry.
            if let w = info.warmup(.empty) {
                values["metric"] = .text(w.metric.rawValue)
                values["adaptation"] = .text(w.schedule.rawValue)
                values["rank_cutoff"] = .real(w.lowRank.cutoff)
                values["rank_gamma"] = .real(w.lowRank.gamma)
                values["delta"] = info.adaptationTarget(.empty).map(ParameterValue.real)
            }
            for spec in info.parameters {
                guard let expected = spec.defaultValue else { continue }   // computed from the target ("auto")
                XCTAssertEqual(values[spec.name], expected, "\(info.name): \(spec.name)")
            }
        }
        // The numbers the issue named: 2000/10/10 and 1000/25/200, not 2/1/2 and 2/1/1.
        let smc = TemperedSMC(parameters: .empty), rdmc = ReverseDiffusion(parameters: .empty)
        XCTAssertEqual([smc.particles, smc.moves, smc.chainLength], [2000, 10, 10])
        XCTAssertEqual([rdmc.particles, rdmc.steps, rdmc.innerSamples], [1000, 25, 200])
    }

    func testPTExplorersTakeTheirAcceptanceGoalFromTheirEntries() throws {
        let pt = try SamplerCatalog.named("pt")
        for (explorer, goal) in [("rwm", 0.234), ("mala", 0.574), ("hmc", 0.8)] {
            let k = try XCTUnwrap(try pt.makeKernel(target: mixture, stepSize: 0.1, parameters: ["explorer": .text(explorer)])
                                  as? ParallelTempering<GaussianMixture>)
            XCTAssertEqual(k.acceptanceGoal, goal, explorer)
            XCTAssertEqual(try SamplerCatalog.named(explorer).acceptanceTarget, goal)
        }
    }

    /// The registry's cost of a step is what a chain counts, on a target with an exact gradient
    /// and on one whose gradient is a finite difference (2d + 1 density calls).
    func testStepCostsAreWhatRunsCount() throws {
        let finiteDifference = ClosureTarget(dimension: 3, logDensity: { x in -0.5 * x.reduce(0) { $0 + $1 * $1 } })
        let targets: [NamedTarget] = [NamedTarget(name: "mixture", density: mixture),
                                      NamedTarget(name: "closure", density: finiteDifference)]
        for info in SamplerCatalog.all where !info.isPopulation {
            var variants: [[String: ParameterValue]] = [[:]]
            if info.name == "pt" { variants = ["rwm", "mala", "hmc"].map { ["explorer": .text($0)] } }
            if info.name == "hmc" { variants.append(["steps": 3]) }
            for given in variants {
                let parameters = try info.parameters(given)
                let cost = info.stepCost(parameters)
                guard !cost.varies else { continue }
                for target in targets {
                    func calls(_ steps: Int) throws -> Int {
                        var settings = RunSettings(chains: 1, steps: steps, warmup: 0, seed: 5, jobs: 1, initialization: .zero)
                        settings.keepDraws = false
                        settings.momentProbabilities = []
                        let run = try SamplingJob(target: target, sampler: info, stepSize: nil, parameters: given,
                                                  settings: settings, adapt: false).runKeepingDivergedChains()
                        return run.totalCounts.gradientEvaluations + run.totalCounts.densityEvaluations
                    }
                    let measured = try calls(5) - calls(4)
                    XCTAssertEqual(cost.charged(for: target.density), measured, "\(info.name) \(given) on \(target.name)")
                }
            }
        }
        XCTAssertTrue(try SamplerCatalog.named("nuts").stepCost(.empty).varies)
        XCTAssertTrue(try SamplerCatalog.named("hmc").stepCost(try SamplerCatalog.named("hmc").parameters(["length": 1])).varies)
    }

    /// SMC's cost of a particle move: a run of N particles without failure makes N start
    /// evaluations and moves × N moves per stage.
    func testSMCMoveCostIsWhatARunCounts() throws {
        let target = NamedTarget(name: "mixture", density: mixture)
        for kernel in [TemperedSMC.Kernel.rwm, .mala] {
            let info = try SamplerCatalog.named("smc")
            let p = try info.parameters(["particles": 100, "moves": 3, "kernel": .text(kernel.rawValue)])
            let run = TemperedSMC(parameters: p).run(target: target, noise: RandomStream(seed: 2, stream: 0))
            XCTAssertNil(run.failure)
            let stages = run.schedule.count - 1
            let move = info.stepCost(p).total
            XCTAssertEqual(run.counts.gradientEvaluations + run.counts.densityEvaluations, 100 + stages * 3 * 100 * move, "\(kernel)")
        }
    }

    /// Every registry sampler has a `SamplerChoice` member, and every member's arguments set
    /// exactly the registry's parameters (by name, each given a value different from its default).
    func testSamplerChoiceCoversTheRegistry() throws {
        let choices: [SamplerChoice] = [
            .ula(stepSize: 0.1), .mala(stepSize: 0.1, metric: .fisherDiag, adaptation: .nutpie, rankCutoff: 3, rankGamma: 1e-4, refitEvery: 5),
            .rwm(stepSize: 0.1), .rlmc(stepSize: 0.1),
            .myula(stepSize: 0.1, lambda: 0.5), .mymala(stepSize: 0.1, lambda: 0.5), .pmala(stepSize: 0.1), .psgla(stepSize: 0.1),
            .kineticEuler(stepSize: 0.1, friction: 1), .obabo(stepSize: 0.1, friction: 1), .baoab(stepSize: 0.1, friction: 1),
            .klmc(stepSize: 0.1, friction: 1), .rklmc(stepSize: 0.1, friction: 1),
            .hmc(stepSize: 0.1, steps: 3, length: 1, jitter: 0.1, metric: .dense, adaptation: .nutpie, rankCutoff: 3, rankGamma: 1e-4,
                 refitEvery: 5, delta: 0.9),
            .nuts(stepSize: 0.1, maxDepth: 5, metric: .unit, adaptation: .nutpie, rankCutoff: 3, rankGamma: 1e-4, refitEvery: 5, delta: 0.9),
            .pt(stepSize: 0.1, replicas: 4, explorer: .rwm, referenceScale: 3),
            .smc(particles: 50, essTarget: 0.3, resampling: .multinomial, moves: 2, kernel: .mixture, components: 2, localMoves: 1,
                 wasteFree: true, chainLength: 5, referenceScale: 3),
            .rdmc(particles: 50, horizon: 1, steps: 5, estimator: .ula, innerSamples: 10, innerSteps: 2, innerStepSize: 0.02,
                  earlyStop: 0.1, start: .nested, denoise: false, proposal: .plain),
        ]
        XCTAssertEqual(choices.map(\.name), SamplerCatalog.names, "one member per registry sampler, in registry order")
        for choice in choices {
            let info = try SamplerCatalog.named(choice.name)
            XCTAssertEqual(Set(choice.parameters.keys), Set(info.parameters.map(\.name)), choice.name)
            for spec in info.parameters {
                let given = try XCTUnwrap(choice.parameters[spec.name])
                XCTAssertNotEqual(try spec.validate(given), spec.defaultValue, "\(choice.name).\(spec.name)")
            }
            XCTAssertEqual(choice.stepSize != nil, !info.isPopulation, choice.name)
        }
    }

    /// The README's count of samplers is the registry's.
    func testReadmeCountsTheRegistry() throws {
        let readme = try String(contentsOf: TestSupport.root.appendingPathComponent("README.md"), encoding: .utf8)
        let words = [15: "fifteen", 16: "sixteen", 17: "seventeen", 18: "eighteen", 19: "nineteen", 20: "twenty"]
        let all = SamplerCatalog.all.count, markov = SamplerCatalog.markovNames.count
        XCTAssertTrue(readme.contains("\(words[all] ?? "\(all)") samplers in one"), "README: \(all) samplers")
        XCTAssertTrue(readme.contains("\(words[markov] ?? "\(markov)") Markov kernels"), "README: \(markov) Markov kernels")
    }
}
