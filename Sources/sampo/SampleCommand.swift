import ArgumentParser
import Foundation
import Sampo
import SampoCore
import SampoDiagnostics
import SampoFiles
import SampoRuns

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample", abstract: "Run chains of a sampler on a target.")

    @Option(help: "Target name (shipped in targets/) or path to a target file.") var target: String
    @Option(help: "Sampler name (see `sampo samplers`).") var sampler: String
    @Option(help: "The data of a Stan program given as --target (a CmdStan JSON file).") var data: String?
    @Option(help: "A posteriordb posterior_database folder, for --target posteriordb:NAME (default: $SAMPO_POSTERIORDB).")
    var posteriordb: String?
    @Flag(help: "Stan targets: write the sampler's own (unconstrained) coordinates instead of lp__ and the constrained values.")
    var unconstrained = false
    @Option(name: .customLong("step-size"), parsing: .unconditional, help: "Step size h (Langevin convention; proposal sd for rwm).")
    var stepSize: Double?
    @Option(parsing: .unconditional, help: "Iterations kept per chain after warm-up (before thinning).") var steps: Int = RunSettings.defaultSteps
    @Option(parsing: .unconditional, help: "Warm-up iterations, discarded.") var warmup: Int = RunSettings.defaultWarmup
    @Option(parsing: .unconditional, help: "Number of chains.") var chains: Int = 4
    @Option(parsing: .unconditional, help: "Random seed; chain c uses stream (seed, c).", transform: SeedValue.parse) var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: "Worker threads (default: cores); results do not depend on it.") var jobs: Int?
    @Option(parsing: .unconditional, help: "Keep every K-th iteration.") var thin: Int = 1
    @Option(help: "Initial states: normal (a N(0, I) draw per chain), zero, target (its natural start, e.g. an image posterior's observation; the default where a target has one), or stan (uniform on (-2, 2) per coordinate, redrawn where the density is not finite, Stan's default; the default for Stan targets). Otherwise normal is the default.",
            transform: StartChoice.parse)
    var `init`: StartChoice?
    @Option(help: "Stan targets: initial values on the constrained scale, as a CmdStan inits JSON file (every chain starts there).")
    var inits: String?
    @Option(name: .customLong("metric-from"),
            help: "hmc, nuts, mala: start every chain with the inverse metric a run report (--report) of the same target recorded, averaged over its chains; warm-up then adapts the step size only.")
    var metricFrom: String?
    @Option(help: "Write draws to this CSV file (with --format cmdstan: the prefix DIR/NAME of one CSV per chain, NAME_1.csv, …).") var draws: String?
    @Option(help: "Draws file format: sampo (one CSV, chain and draw columns) or cmdstan (CmdStan's layout, one CSV per chain).",
            transform: DrawsFormat.parse)
    var format: DrawsFormat = .sampo
    @Option(help: "Write the per-parameter summary CSV to this file.") var summary: String?
    @Option(help: "Write a JSON run report to this file.") var report: String?
    @Option(help: "Stream every kept draw into running moments and write parameter,mean,variance,q05,… to this CSV; without --draws and --summary no draw is kept in memory.")
    var moments: String?
    @Option(parsing: .unconditional, help: "Quantile probabilities for --moments (P² estimates per chain, averaged).", transform: NumberList.probabilities)
    var quantiles = NumberList([0.05, 0.5, 0.95])
    @Option(name: .customLong("set"), help: "Sampler parameter key=value (repeatable).") var set: [String] = []
    @Option(help: "Warm-up adaptation as Stan's: on or off (default: on for hmc and nuts, and for mala given a metric; off otherwise).",
            transform: Toggle.parse) var adapt: Toggle?
    @Flag(name: .customLong("sampler-stats"), help: "Add Stan's per-draw sampler columns (accept_stat__, stepsize__, treedepth__, n_leapfrog__, divergent__, energy__) to --draws.")
    var samplerStats = false
    @Option(name: .customLong("divergence-bound"), parsing: .unconditional,
            help: "A chain diverges when a coordinate becomes non-finite or reaches this magnitude (inf: finiteness only).")
    var divergenceBound: Double = RunSettings.defaultDivergenceBound
    @Option(help: "Write the run's full state to this file every --checkpoint-every and on SIGINT, SIGTERM or SIGUSR1 (then exit with status 3); if the file exists, continue the run it holds (same settings and target, or it is refused). Removed once the outputs are written.")
    var checkpoint: String?
    @Option(name: .customLong("checkpoint-every"), help: "Time between checkpoints: seconds, or a number with s, m or h (default 5m).",
            transform: CheckpointSession.parseInterval)
    var checkpointEvery: Double = 300

    /// What a population sampler cannot take (its moves adapt themselves; it returns a population).
    func validate() throws {
        guard let info = try? SamplerCatalog.named(sampler), info.isPopulation else { return }
        if let h = stepSize {
            throw ValidationError("--step-size: sampler '\(sampler)' takes no step size (found \(h)); its moves adapt themselves")
        }
        if moments != nil {
            throw ValidationError("--moments: streams the draws of Markov chains; '\(sampler)' returns a population (use --draws or --summary)")
        }
        if metricFrom != nil {
            throw ValidationError("--metric-from: '\(sampler)' is a population sampler and has no metric (hmc, nuts and mala have one)")
        }
        if self.`init` != nil {
            throw ValidationError("--init: '\(sampler)' draws its own initial particles (see its init parameter)")
        }
        // Markov-chain flags a population run would ignore are refused, not ignored.
        let ignored = [("--thin", thin != 1), ("--adapt", adapt != nil), ("--sampler-stats", samplerStats),
                       ("--steps", steps != RunSettings.defaultSteps), ("--warmup", warmup != RunSettings.defaultWarmup),
                       ("--divergence-bound", divergenceBound != RunSettings.defaultDivergenceBound), ("--inits", inits != nil)]
            .filter(\.1).map(\.0)
        if !ignored.isEmpty {
            throw ValidationError("\(ignored.joined(separator: ", ")): '\(sampler)' is a population sampler (--chains independent runs of its particles); "
                                  + "these apply to Markov chains only")
        }
    }

    func run() throws {
        try reportingErrors {
            // CmdStan's layout writes PREFIX_1.csv, …: the first file stands for them in the check.
            let drawsFile = format == .cmdstan ? draws.map { CmdStanCSV.path(prefix: $0, chain: 0) } : draws
            try prepareOutputs([("--draws", drawsFile), ("--summary", summary), ("--report", report), ("--moments", moments),
                                ("--checkpoint", checkpoint)])
            let info = try SamplerCatalog.named(sampler)
            if info.isPopulation { try runPopulation(info); return }
            let params = try parseSettings(set)
            let loaded = try TargetFile.load(target, data: data, posteriordb: posteriordb)
            loaded.notes.forEach(note)
            // A Stan model's draws are reported as lp__ and constrained values, mapped after sampling.
            let reporting = unconstrained ? nil : loaded.density as? any ReportedCoordinates
            if unconstrained && !(loaded.density is any ReportedCoordinates) {
                note("--unconstrained: '\(target)' is sampled in its own coordinates already")
            }
            let initialization = try startingPoints(loaded)
            var settings = RunSettings(chains: chains, steps: steps, warmup: warmup, thin: thin, seed: seed,
                                       jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
                                       initialization: initialization)
            settings.divergenceBound = divergenceBound
            if let metricFrom { settings.initialMetric = try MetricFile.read(metricFrom, target: loaded) }
            if moments != nil {
                settings.momentProbabilities = quantiles.values
                // Reported coordinates are computed from kept draws, so a Stan run keeps them.
                settings.keepDraws = draws != nil || summary != nil || reporting != nil
                // A streaming run keeps whatever draws it keeps on disk, not in memory.
                settings.drawsOnDisk = true
            }
            // CmdStan's layout has the sampler columns wherever the sampler records them.
            settings.samplerStatistics = samplerStats || (format == .cmdstan && info.acceptanceTarget != nil)
            if samplerStats && draws == nil { note("--sampler-stats: the statistics go into --draws, which was not given") }
            let job = try SamplingJob(target: loaded, sampler: info, stepSize: stepSize, parameters: params,
                                      settings: settings, adapt: adapt?.isOn)
            let session = try checkpoint.map { (path) throws(SampoError) in
                try CheckpointSession(path: path, every: checkpointEvery, metadata: job.metadata(kind: "checkpoint"), target: loaded, extraSettings: [
                    "quantiles": moments == nil ? "-" : quantiles.values.map { "\($0)" }.joined(separator: " "),
                    "keep_draws": "\(settings.keepDraws)", "sampler_statistics": "\(settings.samplerStatistics)",
                    "initial_metric": settings.initialMetric.map { "\($0.values)" } ?? "-"],
                    unit: "iteration", total: warmup + steps) { (r) throws(SampoError) in try job.readCheckpoint(from: &r) }
            }
            let resumed = try session?.startResuming()
            let sampled: ChainRun
            do { sampled = try job.runKeepingDivergedChains(checkpoints: session?.control, resumingFrom: resumed) } catch {
                // A start a Stan model rejects: say the model's own reason beside the start error.
                if case SampoError.nonFiniteStart = error, let why = (loaded.density as? StanModel)?.firstRejection {
                    note("the Stan model rejected the starting point: \(why)")
                }
                throw error
            }
            let result = try reporting.map { (r) throws(SampoError) in try sampled.reported(by: r) } ?? sampled
            let names = reporting?.reportedNames ?? loaded.parameterNames
            let quality = try writeOutputs(job: job, result: result, target: loaded, names: names)
            if let model = loaded.density as? StanModel, let error = model.firstError {
                note("warning: the Stan model threw an error (not a rejection) at some points, which were treated as rejected: \(error)")
            }
            try session?.finish()
            printTable(job: job, run: result, quality: quality)
            try sayWhatWentWrong(info: info, result: result, quality: quality)
        }
    }

    /// Stan's habit: what may make the run wrong goes to stderr (warnings, chains that never moved,
    /// NaN densities, divergences); a run where every chain diverged fails.
    private func sayWhatWentWrong(info: SamplerInfo, result: ChainRun, quality: SampleQuality) throws {
        for line in RunWarning.lines(quality.warnings) { note("warning: " + line) }
        if info.metropolisAdjusted, result.outcomes.allSatisfy({ $0.acceptanceRate == 0 }) {
            note("every chain rejected every proposal after warm-up: the chains did not move; try a smaller --step-size")
        }
        if !result.divergedChains.isEmpty {
            note("(a chain diverges when its state becomes non-finite or reaches |x| ≥ --divergence-bound \(divergenceBound))")
            if result.divergedChains.count == result.outcomes.count {
                throw SampoError.allChainsDiverged(chains: result.outcomes.count)
            }
        }
    }

    /// The chains' starts: `--inits`, `--init`, or the target's default (`Initialization.default(for:)`).
    private func startingPoints(_ loaded: NamedTarget) throws(SampoError) -> Initialization {
        let natural = (loaded.density as? any HasNaturalStart)?.naturalStart
        if let inits {
            guard self.`init` == nil else { throw .usage("--inits and --init: give one of them") }
            guard let model = loaded.density as? StanModel else {
                throw .usage("--inits \(inits): constrained initial values are for Stan targets; use --init for '\(loaded.name)'")
            }
            return .point(try model.unconstrain(json: try TextFile.text(inits), path: inits))
        }
        switch self.`init` {
        case .normal: return .normal
        case .zero: return .zero
        case .stan: return .uniform(2)
        case nil: return .default(for: loaded)
        case .target:
            guard let start = natural else { throw .usage("--init target: \(loaded.name) has no natural start (use normal or zero)") }
            return .point(start)
        }
    }

    /// Writes --draws (on its own thread), --summary, --moments and --report; returns the sample's
    /// quality, computed once for the report and the printed table.
    private func writeOutputs(job: SamplingJob, result: ChainRun, target loaded: NamedTarget, names: [String]) throws -> SampleQuality {
            let healthy = result.outcomes.indices.filter { result.outcomes[$0].divergedAt == nil }
        var drawsMetadata = job.metadata(kind: "draws") + job.adaptationMetadata(result)
        if !result.divergedChains.isEmpty {
            drawsMetadata.append(("diverged_chains", result.divergedChains.map { "\($0 + 1)" }.joined(separator: " ")))
        }
        // Stan's unconstrained names do not say they are transforms (tau > 0 is sampled as log tau): the file says.
        if loaded.density is any ReportedCoordinates {
            drawsMetadata.append(("coordinates", unconstrained
                ? "unconstrained (Stan's unconstrained names: a constrained parameter appears as its transform, e.g. tau > 0 as log tau)"
                : "constrained (lp__, then Stan's parameters, transformed parameters and generated quantities)"))
        }
        // The draws file is written on its own thread while the summaries are computed: both only
        // read the draws, and on a long run each takes minutes, mostly on one core.
        let drawsWrite = draws.map { path in
            format == .cmdstan ? BackgroundTask { [result, names] () throws(SampoError) in
                let model = (loaded.density as? StanModel)?.modelName ?? loaded.name
                try CmdStanCSV.write(job: job, run: result, names: names, modelName: model, prefix: path)
            } :
            BackgroundTask { [result, drawsMetadata, names] () throws(SampoError) in
                try DrawsCSV.write(result.draws, names: names, to: path, metadata: drawsMetadata,
                                   extra: result.statistics.map { .samplerStatistics($0, capacity: result.draws.capacity) })
            }
        }
        // Computed once, for the summary file and the convergence lines of the report. Without
        // either, the printed check and its warnings use every k-th draw of a long run (at most
        // 2¹⁸ per chain): full summaries of 4 × 10⁷ draws take most of the run's time.
        let summaries = healthy.isEmpty || (summary == nil && report == nil) ? nil
            : try? DrawsSummary.summarize(result.draws, names: names, chains: healthy)
        let quality = SampleQuality(run: result, target: loaded, summaries: summaries,
                                    convergenceStride: DrawsSummary.checkStride(result.draws, chains: healthy))
        try drawsWrite?.wait()
        if let path = summary, healthy.isEmpty {
            note("--summary: every chain diverged; nothing to summarise, \(path) not written")
        } else if let path = summary {
            try SummaryCSV.write(try summaries ?? DrawsSummary.summarize(result.draws, names: names, chains: healthy), to: path,
                                 metadata: job.metadata(kind: "summary") + job.adaptationMetadata(result) + [("summary_chains", healthy.map { "\($0 + 1)" }.joined(separator: " "))]
                                    + RunWarning.lines(quality.warnings).map { ("warning", $0) })
        }
        if let path = moments {
            if let m = result.moments {
                try MomentsCSV.write(m, names: names, to: path, metadata: job.metadata(kind: "moments") + [
                    ("moments_chains", healthy.map { "\($0 + 1)" }.joined(separator: " ")),
                    ("draws_per_chain", "\(m.count / max(healthy.count, 1))"),
                    ("quantiles", "P² estimates per chain, averaged over the chains")])
            } else {
                note("--moments: every chain diverged; \(path) not written")
            }
        }
        if let path = report {
            var r = RunReport(job: job, run: result, meanError: quality.meanError,
                              covarianceError: quality.covarianceError, psnr: quality.psnr, ssim: quality.ssim)
            r.warnings = quality.warnings
            try AtomicFile.write(try r.json(), to: path)
        }
        return quality
    }

    /// `smc` and `rdmc`: `--chains` independent runs of `particles` particles each.
    private func runPopulation(_ info: SamplerInfo) throws {
        let loaded = try TargetFile.load(target, data: data, posteriordb: posteriordb)

        loaded.notes.forEach(note)
        let job = try PopulationJob(target: loaded, sampler: info, parameters: try parseSettings(set), runs: chains, seed: seed,
                                    jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        let session = try checkpoint.map { (path) throws(SampoError) in
            try CheckpointSession(path: path, every: checkpointEvery, metadata: job.metadata(kind: "checkpoint"), target: loaded,
                                  unit: "stage", total: nil) { (r) throws(SampoError) in try job.readCheckpoint(from: &r) }
        }
        let resumed = try session?.startResuming()
        let result = try job.run(checkpoints: session?.control, resumingFrom: resumed)
        let ok = result.runs.indices.filter { result.runs[$0].failure == nil }
        // A Stan model's particles are reported as lp__ and constrained values, each run on its own stream.
        let reporting = unconstrained ? nil : loaded.density as? any ReportedCoordinates
        let drawn = try reporting.map { (r) throws(SampoError) in try result.draws.reported(by: r, seed: seed) } ?? result.draws
        let names = reporting?.reportedNames ?? loaded.parameterNames
        var populationReport = RunReport(job: job, result: result)
        // Mode weights against the target's, between the runs (the one pass over the draws, used below too).
        let quality = ok.isEmpty ? nil : SampleQuality(draws: drawn, chains: ok, target: loaded)
        populationReport.warnings += quality?.warnings ?? []
        for f in populationReport.failures ?? [] { note(f) }
        for line in RunWarning.lines(populationReport.warnings) { note("warning: " + line) }
        if let path = draws { try DrawsCSV.write(drawn, names: names, to: path, metadata: job.metadata(kind: "draws")) }
        if let path = summary, !ok.isEmpty {
            try SummaryCSV.write(try PopulationSummary.summarize(drawn, names: names, runs: ok), to: path,
                                 metadata: job.metadata(kind: "summary") + RunWarning.lines(populationReport.warnings).map { ("warning", $0) })
        }
        if let path = report {
            try AtomicFile.write(try populationReport.json(), to: path)
        }
        try session?.finish()
        say("\(sampler) on \(loaded.name) (d = \(loaded.dimension)), \(chains) runs × \(job.sampler.particles) particles, seed \(seed)")
        for (i, r) in result.runs.enumerated() {
            let sched = job.sampler.describe(r)
            let z = r.logZ.map { "log Ẑ = \(String(format: "%.4f", $0))" } ?? ""
            say("  run \(i + 1): \(sched) \(z)\(r.failure.map { " FAILED: \($0)" } ?? "")")
            if !r.acceptancePerStage.isEmpty {
                let what = job.sampler.acceptanceDescription
                say("         \(what) per stage: " + r.acceptancePerStage.map { fmt($0, 2) }.joined(separator: " "))
            }
            if let n = r.scoreQuality.first?.samples {
                say("         score IS ESS per step, median (of \(n)): " + r.scoreQuality.map { String(format: "%.0f", $0.median) }.joined(separator: " "))
                say("         score IS ESS per step, minimum:      " + r.scoreQuality.map { String(format: "%.0f", $0.minimum) }.joined(separator: " "))
            }
        }
        if let z = result.logZ {
            let se = result.logZStandardError.map { " ± " + String(format: "%.5f", $0) + " (standard error, \(result.logZStandardErrorMethod ?? ""))" }
                ?? "  (\(result.logZStandardErrorAbsence.map { $0 + " (--chains ≥ 2, or --set resampling=multinomial)" } ?? "no standard error"))"
            say("  log Ẑ (mean of Ẑ)      \(String(format: "%.5f", z))\(se)")
        }
        let counts = result.totalCounts
        say("  gradient evaluations   \(counts.gradientEvaluations)")
        say("  density evaluations    \(counts.densityEvaluations)")
        say("  wall time              \(String(format: "%.3f", result.wallSeconds)) s")
        for line in quality?.lines ?? [] { say("  " + line) }
        if ok.isEmpty { throw SampoError.runtime("every run failed") }
    }

    private func printTable(job: SamplingJob, run: ChainRun, quality: SampleQuality) {
        say("\(job.sampler.name) on \(job.target.name) (d = \(job.target.dimension)), h = \(job.stepSize), "
              + "\(job.settings.chains) chains × \(job.settings.steps) steps (+\(job.settings.warmup) warm-up), seed \(job.settings.seed)")
        let acc = run.outcomes.map { fmt($0.acceptanceRate, 3) }.joined(separator: " ")
        say("  \(job.sampler.capabilities.contains(.acceptStatistic) ? "mean accept_stat__    " : "acceptance per chain  ") \(acc)")
        if job.settings.adaptation != nil {
            say("  adapted step size      " + run.outcomes.map { $0.adaptedStepSize.map { fmt($0, 4) } ?? "-" }.joined(separator: " "))
        }
        let tempering = run.outcomes.map { $0.report?.tempering }
        if let first = tempering[0] {
            func row(_ value: (TemperingReport) -> Double?, _ digits: Int) -> String {
                tempering.map { $0.flatMap(value).map { fmt($0, digits) } ?? "-" }.joined(separator: " ")
            }
            say("  barrier Λ per chain    " + row(\.barrier, 3))
            say("  round trips per chain  " + row({ Double($0.roundTrips) }, 6))
            if first.logZ != nil {
                say("  log Ẑ per chain        " + row(\.logZ, 4))
                if first.logZStandardError != nil { say("  its SE per chain       " + row(\.logZStandardError, 4)) }
                if let e = LogNormalizerEstimate(outcomes: run.outcomes) {
                    let how = e.runs > 1 ? "standard error between the \(e.runs) chains" : "standard error, \(e.method ?? "")"
                    say("  log Ẑ (mean of Ẑ)      " + String(format: "%.5f", e.logZ)
                        + (e.standardError.map { String(format: " ± %.5f", $0) + " (\(how))" } ?? ""))
                }
            }
            say("  swap acceptance, chain 1  " + first.swapAcceptance.map { fmt($0, 2) }.joined(separator: " "))
            say("  schedule β, chain 1    " + first.schedule.map { fmt($0, 3) }.joined(separator: " "))
        }
        if job.sampler.capabilities.contains(.divergences) {
            let divergent = run.outcomes.map(\.divergentTransitions)
            say("  divergent transitions  " + divergent.map(String.init).joined(separator: " ")
                + (divergent.reduce(0, +) > 0 ? "  (energy error > 1000: the posterior has regions the step size cannot follow)" : ""))
        }
        let counts = run.totalCounts
        say("  gradient evaluations   \(counts.gradientEvaluations)")
        say("  density evaluations    \(counts.densityEvaluations)")
        say("  wall time              \(String(format: "%.3f", run.wallSeconds)) s")
        say("  peak memory            \(String(format: "%.1f", ProcessMemory.peakMegabytes)) MB (the process so far)")
        for line in quality.lines { say("  " + line) }
        if !run.divergedChains.isEmpty { say("  diverged chains        \(run.divergedChains.map { "\($0 + 1)" }.joined(separator: " "))") }
    }
}
