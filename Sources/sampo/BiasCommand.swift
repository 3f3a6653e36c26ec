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
    @Option(name: .customLong("step-sizes"), help: "Comma-separated step sizes.") var stepSizes: String
    @Option(name: .customLong("set"), help: "friction=γ for the kinetic kernels (default 2√L).") var set: [String] = []
    @Option(help: "Write sampler,step_size,w2,max_variance_ratio to this CSV.") var out: String?

    func run() throws {
        try reportingErrors {
            try prepareOutputs([("--out", out)])
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
            var steps: [Double] = []
            for text in stepSizes.split(separator: ",") {
                guard let h = Double(text.trimmingCharacters(in: .whitespaces)), h.isFinite, h > 0 else {
                    throw SampoError.usage("--step-sizes: expected positive numbers, found '\(text)'")
                }
                steps.append(h)
            }
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
        }
    }
}
