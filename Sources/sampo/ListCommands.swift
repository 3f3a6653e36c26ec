import ArgumentParser
import Foundation
import Sampo
import SampoCore
import SampoDiagnostics
import SampoFiles
import SampoRuns

struct SamplersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "samplers", abstract: "List samplers and their parameters.")

    func run() throws {
        for s in SamplerCatalog.all {
            say("\(pad(s.name, 14)) \(s.summary)")
            if let h = s.defaultStepSize {
                let calls = s.oracleCallsPerStep((try? s.parameters([:])) ?? SamplerParameters.empty)
                let cost = s.variableCost ? "varies (up to \(calls), counted exactly)" : s.name == "hmc" ? "\(calls) (or ⌈length/h⌉)" : "\(calls)"
                let adapt = s.adaptsByDefault ? "; warm-up adapts h and the metric (--adapt off to keep them)"
                    : s.acceptanceTarget != nil ? "; --adapt on: h adapted to acceptance \(s.acceptanceTarget ?? 0)" : ""
                say("               default --step-size \(h); \(s.usesGradient ? "gradient" : "density") evaluations per step: \(cost)\(adapt)")
                if s.family == .proximal {
                    say(s.parameters.contains { $0.name == "lambda" }
                        ? "               on image posteriors (deconvolution) the defaults are λ = 1/L_f and h = 1/(L_f + 1/λ) (Durmus, Moulines & Pereyra 2018)"
                        : "               on image posteriors (deconvolution) the default is h = 1/(2 L_f) (MYULA's at λ = 1/L_f)")
                }
            } else {
                say("               population sampler: --chains = independent runs, no --step-size")
            }
            for p in s.parameters {
                say("               --set \(p.name)=\(p.defaultValue.map { "\($0)" } ?? "auto")  (\(p.kindDescription)) \(p.summary)")
            }
        }
    }
}

struct TargetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "targets", abstract: "List the shipped targets.")

    func run() throws {
        say("\(pad("name", 18)) \(pad("family", 18)) \(pad("dim", 4)) \(pad("exact", 6)) description")
        for file in TargetFile.shippedFiles() {
            do {
                let t = try TargetFile.parse(try TargetFile.readText(file), file: file)
                say("\(pad(t.name, 18)) \(pad(t.family, 18)) \(pad("\(t.dimension)", 4)) \(pad(t.exactSampler == nil ? "no" : "yes", 6)) \(t.description)")
            } catch {
                say("\(pad((file as NSString).lastPathComponent, 18)) (invalid: \(error))")
            }
        }
    }
}

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Time the samplers' inner loop (`make bench` holds it against a plain C loop).")

    @Flag(help: "Only the cases compare.sh needs (MALA, 1 chain) plus one multi-chain row.") var quick = false
    @Option(help: "Write the rows as CSV to this file.") var out: String?

    func run() throws {
        try reportingErrors {
            try prepareOutputs([("--out", out)])
            let cores = ProcessInfo.processInfo.activeProcessorCount
            var lines = [Benchmark.csvHeader]
            for c in Benchmark.cases(quick: quick, cores: cores) {
                let row = try Benchmark.run(c)
                let line = Benchmark.csvLine(row)
                say(line)
                lines.append(line)
            }
            if !quick {
                // MYULA on the deblurring posterior at 128 × 128 and 256 × 256: ms per step, and the
                // part of it spent in the likelihood's FFTs and in the TV prox.
                say("")
                say("image,pixels,ms_per_myula_step,ms_fft_gradient,ms_tv_prox,ms_rest")
                let base = try TargetFile.load("phantom-deblur")
                for size in [128, 256] {
                    let text = try TargetFile.readText(base.path).replacingOccurrences(of: "size = 128", with: "size = \(size)")
                    let target = try TargetFile.parse(text, file: base.path)
                    let r = try ImagingBenchmark.run(target, steps: size == 128 ? 200 : 50)
                    say("phantom-\(size),\(r.pixels)," + String(format: "%.2f,%.2f,%.2f,%.2f", r.msPerStep, r.msFFT, r.msProx, r.msRest))
                }
            }
            if let out { try AtomicFile.write(lines.joined(separator: "\n") + "\n", to: out) }
        }
    }
}
