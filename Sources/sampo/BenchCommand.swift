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
    @Option(help: "Instead: time a Stan target's log density and gradient through Sampo against the bridge's bare C++ loop (a .stan file with --data, or posteriordb:NAME).")
    var stan: String?
    @Option(help: "The data of a --stan program (JSON).") var data: String?
    @Option(help: "A posteriordb posterior_database folder, for --stan posteriordb:NAME.") var posteriordb: String?

    func run() throws {
        if let stan { try benchStan(stan); return }
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

    /// Five alternating rounds of about 0.2 s each at the model's zero point; the medians.
    private func benchStan(_ name: String) throws {
        try reportingErrors {
            try prepareOutputs([("--out", out)])
            let target = try TargetFile.load(name, data: data, posteriordb: posteriordb)
            guard let model = target.density as? StanModel else { throw SampoError.usage("--stan \(name): not a Stan target") }
            let x = [Double](repeating: 0, count: model.dimension)
            let probe = model.timeGradient(at: x, calls: 200)
            let calls = max(1_000, Int(2e8 / max(probe.bare, 1)))
            var through: [Double] = [], bare: [Double] = []
            for _ in 0..<5 {
                let t = model.timeGradient(at: x, calls: calls)
                through.append(t.sampo)
                bare.append(t.bare)
            }
            func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
            let header = "stan_target,dimension,calls,ns_per_gradient_sampo,ns_per_gradient_bare,overhead"
            let line = "\(target.name),\(model.dimension),\(calls)," + String(format: "%.1f,%.1f,%.3f", median(through), median(bare), median(through) / median(bare))
            say(header)
            say(line)
            if let out { try AtomicFile.write(header + "\n" + line + "\n", to: out) }
        }
    }
}
