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

    /// The bridge's overhead: five alternating rounds of about 0.2 s each at the model's zero point,
    /// the medians. Then (unless --quick) NUTS against Stan's own on the same compiled model.
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
            var lines = ["stan_target,dimension,calls,ns_per_gradient_sampo,ns_per_gradient_bare,overhead",
                         "\(target.name),\(model.dimension),\(calls)," + String(format: "%.1f,%.1f,%.3f", median(through), median(bare), median(through) / median(bare))]
            say(lines[0])
            say(lines[1])
            if !quick {
                let rows = try nutsAgainstStan(target: target, model: model)
                say("")
                for row in rows { say(row) }
                lines += [""] + rows
            }
            if let out { try AtomicFile.write(lines.joined(separator: "\n") + "\n", to: out) }
        }
    }

    private func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }

    /// Sampo's NUTS and Stan's (the library's copy of Stan's sampler, compiled with the same model)
    /// in alternating rounds (seeds 1, 2, …): one chain each, 1 000 warm-up iterations and 1 000 draws with CmdStan's
    /// defaults, inits uniform on (−2, 2), draws turned into constrained values on both sides.
    /// Wall seconds per gradient, the median over rounds; gradients are all of Sampo's and Stan's
    /// leapfrog steps (its few step-size initialisation calls are not in its count).
    private func nutsAgainstStan(target: NamedTarget, model: StanModel) throws -> [String] {
        let stan = try model.withStanNUTS()
        let nuts = try SamplerCatalog.named("nuts")
        let warmup = 1_000, draws = 1_000
        var sampoTimes: [Double] = [], stanTimes: [Double] = [], sampoGradients = 0.0, stanGradients = 0.0
        // At least three rounds, more (up to 15, an odd number) while they total under 4 s.
        var rounds = 0, spent = 0.0
        while rounds < 3 || (spent < 4 && rounds < 15) || rounds % 2 == 0 {
            rounds += 1
            let round = rounds
            let settings = RunSettings(chains: 1, steps: draws, warmup: warmup, seed: UInt64(round), jobs: 1, initialization: .uniform(2))
            // Like for like: Stan's metric and windows, whatever nuts's default.
            let job = try SamplingJob(target: target, sampler: nuts, stepSize: nil,
                                      parameters: ["metric": .text(MetricKind.diag.rawValue), "adaptation": .text(AdaptationSchedule.stan.rawValue)],
                                      settings: settings)
            let start = DispatchTime.now().uptimeNanoseconds
            let run = try job.run()
            _ = try run.draws.reported(by: model, seed: settings.seed)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let gradients = Double(run.totalCounts.gradientEvaluations)
            sampoTimes.append(seconds / gradients)
            spent += seconds
            sampoGradients += gradients
            let theirs = try stan.runStanNUTS(seed: UInt32(round), warmup: warmup, draws: draws)
            stanTimes.append(theirs.seconds / max(theirs.gradients, 1))
            spent += theirs.seconds
            stanGradients += theirs.gradients
        }
        let ours = median(sampoTimes) * 1e9, theirs = median(stanTimes) * 1e9
        return ["nuts_target,rounds,gradients_per_run_sampo,gradients_per_run_stan,ns_per_gradient_sampo,ns_per_gradient_stan,ratio",
                "\(target.name),\(rounds)," + String(format: "%.0f,%.0f,%.1f,%.1f,%.3f", sampoGradients / Double(rounds), stanGradients / Double(rounds),
                                                    ours, theirs, ours / theirs)]
    }
}
