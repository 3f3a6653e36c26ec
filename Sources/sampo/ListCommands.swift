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
                let cost = s.stepCost(.empty)
                let adapt = s.adaptsByDefault ? "; warm-up adapts h and the metric (--adapt off to keep them)"
                    : s.acceptanceTarget != nil ? "; --adapt on: h adapted to acceptance \(s.acceptanceTarget ?? 0)" : ""
                say("               default --step-size \(h); \(describe(cost)) per step\(adapt)")
                for line in s.notes { say("               " + line) }
            } else {
                say("               population sampler: --chains = independent runs, no --step-size")
            }
            for p in s.parameters {
                say("               --set \(p.name)=\(p.defaultValue.map { "\($0)" } ?? "auto")  (\(p.kindDescription)) \(p.summary)")
            }
        }
    }
}

/// "1 gradient and 1 density evaluation", "varies (up to 1024 gradient evaluations, counted exactly)".
private func describe(_ cost: SamplerInfo.StepCost) -> String {
    func count(_ n: Int, _ what: String) -> String { "\(n) \(what) evaluation\(n == 1 ? "" : "s")" }
    var parts: [String] = []
    if cost.calls.gradientEvaluations > 0 || cost.calls.densityEvaluations == 0 { parts.append(count(cost.calls.gradientEvaluations, "gradient")) }
    if cost.calls.densityEvaluations > 0 { parts.append(count(cost.calls.densityEvaluations, "density")) }
    let calls = parts.joined(separator: " and ")
    if cost.varies { return "varies (up to \(calls), counted exactly)" }
    return calls + (cost.note.map { " (\($0))" } ?? "")
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
