import ArgumentParser
import Foundation
import Sampo
import SampoCore
import SampoFiles

/// `sampo bias`: the exact stationary bias of unadjusted kernels on a single-Gaussian target.
struct BiasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bias",
        abstract: "Exact stationary W2 bias and variance ratio of unadjusted kernels on a Gaussian target.")

    @Option(help: "Target name or file: a single Gaussian (gaussian-mixture with one component).") var target: String
    @Option(help: "Comma-separated kernels: ula, rlmc, myula, kinetic-euler, obabo, baoab, klmc, rklmc.") var samplers: String
    @Option(name: .customLong("step-sizes"), parsing: .unconditional, help: "Comma-separated step sizes.", transform: NumberList.positive) var stepSizes: NumberList
    @Option(name: .customLong("set"), help: "friction=γ for the kinetic kernels (default 2√L).") var set: [String] = []
    @Option(help: "Write sampler,step_size,w2,max_variance_ratio to this CSV.") var out: String?
    @Option(parsing: .unconditional, help: "Comma-separated accuracies ε: the fewest gradients to W2(law of x_K, target) ≤ ε from x0 ~ N(0, I), best step size of --step-sizes.",
            transform: NumberList.positive)
    var accuracy: NumberList?
    @Option(name: .customLong("cost-out"), help: "Write sampler,epsilon,step_size,steps,gradients (with --accuracy) to this CSV.")
    var costOut: String?
    @Option(name: .customLong("max-steps"), help: "Largest K tried per step size with --accuracy.") var maxSteps: Int = 1_000_000
    @Option(help: "Start for --accuracy: normal (x0 ~ N(0, I), as sample's default) or zero.", transform: { text in
        guard let s = TransientLaw.Start(rawValue: text) else { throw ExpectedValue(description: "expected normal or zero") }
        return s
    })
    var `init` = TransientLaw.Start.normal

    func validate() throws {
        if costOut != nil && accuracy == nil { throw ValidationError("--cost-out needs --accuracy") }
        guard maxSteps >= 1 else { throw ValidationError("--max-steps: expected a positive whole number, found \(maxSteps)") }
    }

    func run() throws {
        try reportingErrors {
            try prepareOutputs([("--out", out), ("--cost-out", costOut)])
            let epsilons = accuracy?.values ?? [], start = self.`init`
            let loaded = try TargetFile.load(target)
            guard let gaussian = loaded.density as? GaussianMixture, gaussian.componentCount == 1,
                  let mean = loaded.moments.mean, let covariance = loaded.moments.covariance else {
                throw SampoError.usage("--target: \(loaded.name) is not a single Gaussian (a gaussian-mixture with one component); "
                                       + "the exact stationary law is computed only there")
            }
            var kernels: [StationaryLaw.Kernel] = []
            for name in samplers.split(separator: ",").map({ String($0).trimmingCharacters(in: .whitespaces) }) {
                guard let k = StationaryLaw.Kernel(rawValue: name) else {
                    throw SampoError.usage("--samplers: '\(name)' has no stationary law to compute (unadjusted kernels: "
                                           + StationaryLaw.Kernel.allCases.map(\.rawValue).joined(separator: ", ")
                                           + "; Metropolis-adjusted samplers are exact)")
                }
                kernels.append(k)
            }
            let steps = stepSizes.values
            let settings = try parseRawSettings(set)
            for key in settings.keys where key != "friction" {
                throw SampoError.usage("--set \(key): only friction applies to sampo bias")
            }
            var given: Double?
            if let f = settings["friction"] {
                guard let g = Double(f), g.isFinite, g > 0 else { throw SampoError.usage("--set friction: expected a positive number, found '\(f)'") }
                given = g
            }
            let (friction, source) = Friction.resolve(given, target: loaded.density)
            if kernels.contains(where: \.isKinetic) { note("friction = \(friction): \(source)") }
            var csv = "sampler,step_size,w2,max_variance_ratio\n"
            say("\(pad("sampler", 14)) \(pad("step_size", 10)) \(pad("w2", 12)) max_variance_ratio")
            for k in kernels {
                for h in steps {
                    let cells: [String]
                    do throws(SampoError) {
                        let law = try StationaryLaw.of(k, mean: mean, covariance: covariance, stepSize: h, friction: friction)
                        cells = [DrawsCSV.format(law.w2), DrawsCSV.format(law.maxVarianceRatio)]
                    } catch {
                        note("\(k.rawValue) at h = \(h): \(error.message) (empty cells)")
                        cells = ["", ""]
                    }
                    csv += "\(k.rawValue),\(DrawsCSV.format(h)),\(cells[0]),\(cells[1])\n"
                    say("\(pad(k.rawValue, 14)) \(pad(DrawsCSV.format(h), 10)) \(pad(cells[0].isEmpty ? "unstable" : fmt(Double(cells[0]) ?? .nan, 6), 12)) "
                        + (cells[1].isEmpty ? "unstable" : fmt(Double(cells[1]) ?? .nan, 6)))
                }
            }
            if let out { try AtomicFile.write(csv, to: out) }
            guard !epsilons.isEmpty else { return }
            // Cost to reach ε: the best step size of the grid per kernel and ε.
            var cost = "sampler,epsilon,step_size,steps,gradients\n"
            say("")
            say("gradients to W2 ≤ ε from " + (start == .normal ? "x0 ~ N(0, I)" : "x0 = 0") + " (velocity 0), best step size of the grid")
            say("\(pad("sampler", 14)) \(pad("epsilon", 8)) \(pad("step_size", 10)) \(pad("steps", 9)) gradients")
            for k in kernels {
                let info = try SamplerCatalog.named(k.rawValue)
                let perStep = info.oracleCallsPerStep(try info.parameters([:]))
                for e in epsilons {
                    var best: (h: Double, steps: Int)?
                    for h in steps {
                        if let n = try TransientLaw.stepsToAccuracy(k, mean: mean, covariance: covariance, stepSize: h, friction: friction,
                                                                    start: start, epsilon: e, maxSteps: best.map { min($0.steps, maxSteps) } ?? maxSteps),
                           best.map({ n < $0.steps }) ?? true {
                            best = (h, n)
                        }
                    }
                    if let b = best {
                        cost += "\(k.rawValue),\(DrawsCSV.format(e)),\(DrawsCSV.format(b.h)),\(b.steps),\(b.steps * perStep)\n"
                        say("\(pad(k.rawValue, 14)) \(pad(DrawsCSV.format(e), 8)) \(pad(DrawsCSV.format(b.h), 10)) \(pad("\(b.steps)", 9)) \(b.steps * perStep)")
                    } else {
                        cost += "\(k.rawValue),\(DrawsCSV.format(e)),,,\n"
                        say("\(pad(k.rawValue, 14)) \(pad(DrawsCSV.format(e), 8)) not reached at any step size of the grid within \(maxSteps) steps")
                    }
                }
            }
            if let costOut { try AtomicFile.write(cost, to: costOut) }
        }
    }
}
