import ArgumentParser
import Foundation
import Sampo

struct SamplersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "samplers", abstract: "List samplers and their parameters.")

    func run() throws {
        for s in SamplerCatalog.all {
            print("\(pad(s.name, 14)) \(s.summary)")
            print("               default --step-size \(s.defaultStepSize); \(s.usesGradient ? "gradient" : "density") evaluations per step: \(s.gradientsPerStep)")
            for p in s.parameters { print("               --set \(p.name)=\(p.defaultValue.map { "\($0)" } ?? "auto")  \(p.summary)") }
        }
        print("smc            Adaptive tempered SMC (--chains = independent runs)")
        print("               --set particles=2000 ess_target=0.5 resampling=systematic|multinomial|stratified|residual")
        print("               --set moves=10 kernel=rwm|mala waste_free=off chain_length=10 reference_scale=auto")
        print("rdmc           Reverse diffusion Monte Carlo (--chains = independent runs)")
        print("               --set particles=1000 horizon=2 steps=25 estimator=is|ula|is-ula inner_samples=200")
        print("               --set inner_steps=20 inner_step_size=0.01 early_stop=0.05 init=gaussian|nested denoise=on")
    }
}

struct TargetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "targets", abstract: "List the shipped targets.")

    func run() throws {
        print("\(pad("name", 18)) \(pad("family", 18)) \(pad("dim", 4)) \(pad("exact", 6)) description")
        for file in TargetFile.shippedFiles() {
            do {
                let t = try TargetFile.parse(try TargetFile.readText(file), file: file)
                print("\(pad(t.name, 18)) \(pad(t.family, 18)) \(pad("\(t.dimension)", 4)) \(pad(t.exactSampler == nil ? "no" : "yes", 6)) \(t.description)")
            } catch {
                print("\(pad((file as NSString).lastPathComponent, 18)) (invalid: \(error))")
            }
        }
    }
}

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Time the samplers' inner loop (see shared/perf).")

    @Flag(help: "Only the cases compare.sh needs (MALA, 1 chain) plus one multi-chain row.") var quick = false
    @Option(help: "Write the rows as CSV to this file.") var out: String?

    func run() throws {
        try reportingErrors {
            let cores = ProcessInfo.processInfo.activeProcessorCount
            var lines = [Benchmark.csvHeader]
            for c in Benchmark.cases(quick: quick, cores: cores) {
                let row = try Benchmark.run(c)
                let line = Benchmark.csvLine(row)
                print(line)
                lines.append(line)
            }
            if let out { try AtomicFile.write(lines.joined(separator: "\n") + "\n", to: out) }
        }
    }
}
