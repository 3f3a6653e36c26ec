import ArgumentParser
import Foundation
import Sampo
import SampoCore
import SampoDiagnostics
import SampoFiles

/// `sampo map`: the MAP point of a composite target by FISTA, from its natural start (an image
/// posterior's observation) or the origin.
struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "MAP point of a composite target (f + g, e.g. an image posterior) by FISTA.")

    @Option(help: "Target name or file: a composite (smooth part with a known L, proximable part).") var target: String
    @Option(parsing: .unconditional, help: "FISTA iterations.") var iterations: Int = 300
    @Option(help: "Write parameter,value to this CSV.") var out: String?

    func run() throws {
        try reportingErrors {
            try prepareOutputs([("--out", out)])
            guard iterations >= 1 else { throw SampoError.usage("--iterations: expected a whole number ≥ 1, found \(iterations)") }
            let loaded = try TargetFile.load(target)
            guard let composite = loaded.density as? CompositeTarget else {
                throw SampoError.usage("--target: \(loaded.name) is not a composite target (family composite, deconvolution or a regression with a laplace prior)")
            }
            let start = composite.naturalStart ?? [Double](repeating: 0, count: loaded.dimension)
            let t0 = DispatchTime.now().uptimeNanoseconds
            let result = try CompositeMAP.fista(composite, start: start, iterations: iterations)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            say("FISTA on \(loaded.name) (d = \(loaded.dimension)), \(iterations) iterations, \(String(format: "%.3f", seconds)) s")
            if let first = result.objective.first, let last = result.objective.last {
                say("  objective f + g          \(fmt(first, 8)) → \(fmt(last, 8))")
            }
            if let truth = composite.imageTruth, composite.naturalStart != nil,
               let p = ImageQuality.psnr(start, truth: truth.pixels),
               let s = ImageQuality.ssim(start, truth: truth.pixels, rows: truth.rows, cols: truth.cols) {
                say("  start (the observation)  PSNR \(String(format: "%.2f", p)) dB, SSIM \(String(format: "%.4f", s))")
            }
            if let truth = composite.imageTruth {
                if let p = ImageQuality.psnr(result.point, truth: truth.pixels) { say("  PSNR of the MAP          \(String(format: "%.2f", p)) dB") }
                if let s = ImageQuality.ssim(result.point, truth: truth.pixels, rows: truth.rows, cols: truth.cols) {
                    say("  SSIM of the MAP          \(String(format: "%.4f", s))")
                }
            }
            if let out {
                let names = loaded.parameterNames
                var text = "# sampo: map\n# target: \(loaded.name)\n# iterations: \(iterations)\nparameter,value\n"
                for j in 0..<loaded.dimension { text += "\(names[j]),\(DrawsCSV.format(result.point[j]))\n" }
                try AtomicFile.write(text, to: out)
            }
        }
    }
}
