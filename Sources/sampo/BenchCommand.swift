import ArgumentParser
import Foundation
import Sampo
import SampoCore
import SampoDiagnostics
import SampoFiles
import SampoRuns

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
