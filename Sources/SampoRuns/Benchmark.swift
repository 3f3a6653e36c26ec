import SampoCore
import Foundation

/// `sampo bench`: time per step of the real chain runner (draws stored, evaluations counted) on
/// the cases of the project's C baseline (`make bench`), so it can be held against the plain C loop.
public enum Benchmark {
    /// One benchmark case: a shipped target, a sampler, its step size and the run size.
    public struct Case: Sendable {
        public let name: String
        public let sampler: String
        public let stepSize: Double
        public let steps: Int
        public let chains: Int
    }

    /// A measured case.
    public struct Row: Sendable {
        public let benchCase: Case
        public let nsPerStep: Double
        public let acceptanceRate: Double
        public let wallSeconds: Double
    }

    /// The cases: MALA on one chain as the C baseline runs it; with `quick == false` also
    /// ULA and RWM, and every sampler on as many chains as cores, to show scaling.
    public static func cases(quick: Bool, cores: Int) -> [Case] {
        var out = [
            Case(name: "lau-gmm", sampler: "mala", stepSize: 0.075, steps: 1_000_000, chains: 1),
            Case(name: "bench-gmm50", sampler: "mala", stepSize: 0.02, steps: 200_000, chains: 1),
        ]
        if cores > 1 {
            out.append(Case(name: "lau-gmm", sampler: "mala", stepSize: 0.075, steps: 1_000_000, chains: cores))
        }
        if !quick {
            out += [
                Case(name: "lau-gmm", sampler: "ula", stepSize: 0.075, steps: 1_000_000, chains: 1),
                Case(name: "lau-gmm", sampler: "rwm", stepSize: 1.0, steps: 1_000_000, chains: 1),
                Case(name: "bench-gmm50", sampler: "ula", stepSize: 0.02, steps: 200_000, chains: 1),
                Case(name: "bench-gmm50", sampler: "mala", stepSize: 0.02, steps: 200_000, chains: cores),
                // Formula targets against the built-ins they restate (same densities, same chains).
                Case(name: "funnel", sampler: "mala", stepSize: 0.1, steps: 500_000, chains: 1),
                Case(name: "funnel-expression", sampler: "mala", stepSize: 0.1, steps: 500_000, chains: 1),
                Case(name: "rosenbrock", sampler: "mala", stepSize: 0.1, steps: 1_000_000, chains: 1),
                Case(name: "rosenbrock-expression", sampler: "mala", stepSize: 0.1, steps: 1_000_000, chains: 1),
                // One gradient per step: 2·n·d = 25 376 multiply-adds of the 208 × 61 design.
                Case(name: "sonar-logistic", sampler: "mala", stepSize: 0.002, steps: 100_000, chains: 1),
            ]
        }
        return out
    }

    /// Runs one case from the origin (as the C loop does) with seed 1 and no warm-up.
    /// `nsPerStep` is wall time per chain-step on one chain, per chain-step across chains otherwise.
    /// `targets` turns the case's target name into a target (the files layer passes its loader).
    public static func run(_ c: Case, targets: (String) throws(SampoError) -> NamedTarget) throws(SampoError) -> Row {
        let target = try targets(c.name)
        let sampler = try SamplerCatalog.named(c.sampler)
        let settings = RunSettings(chains: c.chains, steps: c.steps, warmup: 0, thin: 1, seed: 1,
                                   jobs: c.chains, initialization: .zero)
        let job = try SamplingJob(target: target, sampler: sampler, stepSize: c.stepSize, parameters: [:],
                                  settings: settings)
        let run = try job.run()
        let chainSteps = Double(c.steps * c.chains)
        let ns = run.wallSeconds * 1e9 / (c.chains == 1 ? Double(c.steps) : chainSteps)
        let acc = run.outcomes.map(\.acceptanceRate).reduce(0, +) / Double(c.chains)
        return Row(benchCase: c, nsPerStep: ns, acceptanceRate: acc, wallSeconds: run.wallSeconds)
    }

    public static let csvHeader = "case,sampler,chains,steps,step_size,ns_per_step,accept_rate,wall_seconds"

    public static func csvLine(_ r: Row) -> String {
        let c = r.benchCase
        return "\(c.name),\(c.sampler),\(c.chains),\(c.steps),\(c.stepSize),"
            + String(format: "%.1f,%.4f,%.3f", r.nsPerStep, r.acceptanceRate, r.wallSeconds)
    }
}
