import SampoCore
import SampoDiagnostics
import Dispatch
import Foundation

/// `runs` independent runs of a population sampler, in parallel. Run r uses the random
/// stream (seed, r), so results are identical for any number of jobs.
public struct PopulationJob: Sendable {
    public let target: NamedTarget
    public let sampler: any PopulationSampler
    /// The registry entry and the checked parameters.
    public let info: SamplerInfo
    public let parameters: SamplerParameters
    /// The parameters as the caller gave them (for metadata: `set.key: value`).
    public let given: [String: String]
    public let runs: Int
    public let seed: UInt64
    public let jobs: Int

    public init(target: NamedTarget, sampler info: SamplerInfo, parameters: [String: ParameterValue] = [:], runs: Int,
                seed: UInt64, jobs: Int) throws(SampoError) {
        guard runs >= 1 else { throw .invalid(.argument("runs"), "expected at least 1 run, found \(runs)") }
        guard jobs >= 1 else { throw .invalid(.argument("jobs"), "expected at least 1 worker, found \(jobs)") }
        self.parameters = try info.parameters(parameters)
        sampler = try info.makePopulationSampler(parameters: self.parameters)
        // Each worker holds about four population-sized arrays; the result holds every run's particles.
        try MemoryLimit.check(doubles: [sampler.particles, target.dimension, 4 * min(jobs, runs) + runs],
                              for: .samplerParameter("particles"),
                              what: "\(runs) runs of \(sampler.particles) particles in dimension \(target.dimension)")
        if let (factors, parameter) = sampler.scratch(dimension: target.dimension) {
            try MemoryLimit.check(doubles: factors + [min(jobs, runs)], for: .samplerParameter(parameter),
                                  what: "the scratch of \(min(jobs, runs)) worker(s) (\(parameter) in dimension \(target.dimension))")
        }
        // A gradient of the wrong length is refused before any run (checked at the origin).
        let origin = [Double](repeating: 0, count: target.dimension)
        try origin.withUnsafeBufferPointer { (p) throws(SampoError) in try target.density.checkLengths(at: p.baseAddress!) }
        self.info = info
        given = parameters.mapValues(\.description)
        self.target = target
        self.runs = runs
        self.seed = seed
        self.jobs = jobs
    }

    /// The population sampler called `samplerName` (`smc`, `rdmc`) with parameters by name.
    public init(target: NamedTarget, samplerName: String, settings: [String: ParameterValue], runs: Int, seed: UInt64,
                jobs: Int) throws(SampoError) {
        try self.init(target: target, sampler: try SamplerCatalog.named(samplerName), parameters: settings, runs: runs,
                      seed: seed, jobs: jobs)
    }

    /// The runs, their particles as draws, and the wall time.
    public struct Result: Sendable {
        public let runs: [PopulationRun]
        public let draws: Draws
        public let wallSeconds: Double

        /// log of the mean of the runs' Ẑ (still unbiased for Z); nil if any run has no estimate.
        public var logZ: Double? {
            let each = runs.compactMap(\.logZ)
            guard each.count == runs.count, !each.isEmpty else { return nil }
            return logSumExp(each) - log(Double(each.count))
        }

        /// log Ẑ with its standard error: between the runs when there are several (and the runs'
        /// own genealogy errors tested for agreement, when they have them), else the single run's
        /// genealogy estimate (SMC with multinomial resampling, not waste-free); nil when a run has
        /// no log Ẑ.
        public var logZEstimate: LogNormalizerEstimate? {
            let each = runs.compactMap(\.logZ)
            guard each.count == runs.count, !each.isEmpty else { return nil }
            return LogNormalizerEstimate(each, standardErrors: runs.map { $0.logZVariance.map { $0.squareRoot() } },
                                         method: "genealogy (Lee & Whiteley), multinomial resampling")
        }

        public var logZStandardError: Double? { logZEstimate?.standardError }

        /// How `logZStandardError` was estimated.
        public var logZStandardErrorMethod: String? { logZEstimate?.method }

        /// Why there is no standard error of log Ẑ (nil when there is one, or no log Ẑ).
        public var logZStandardErrorAbsence: String? {
            guard let e = logZEstimate, e.standardError == nil else { return nil }
            return "a single run gives no standard error here (the genealogy estimate holds only for multinomial "
                + "resampling without waste-free moves); use two or more runs for one between them, or resampling = multinomial"
        }

        /// What the user should know about the runs: each run's own warnings (rdMC's too few
        /// effective samples), and runs that disagree about log Ẑ.
        public var warnings: [RunWarning] {
            runs.enumerated().flatMap { i, r in
                r.warnings.map { RunWarning(kind: .weightDegeneracy, chain: i, message: "run \(i + 1): \($0)") }
            } + [logZEstimate?.warning()].compactMap { $0.map { RunWarning(kind: .logZ, message: $0) } }
        }

        /// The same, and a log Ẑ outside its error of the target's known log Z.
        public func warnings(for target: NamedTarget) -> [RunWarning] {
            warnings + [logZEstimate?.warning(knownLogZ: target.moments.logNormalizer)].compactMap { $0.map { RunWarning(kind: .logZ, message: $0) } }
        }

        public var totalCounts: OracleCounts {
            runs.reduce(into: OracleCounts()) {
                $0.gradientEvaluations += $1.counts.gradientEvaluations
                $0.densityEvaluations += $1.counts.densityEvaluations
            }
        }

        public var failedRuns: [Int] { runs.indices.filter { runs[$0].failure != nil } }
    }

    /// The runs. `checkpoints` lets another thread take checkpoints between the runs' stages (each
    /// run is a "chain" of the checkpoint, at its stage); `resumingFrom` continues such a checkpoint
    /// and ends as the uninterrupted runs would have.
    public func run(checkpoints: CheckpointControl? = nil, resumingFrom resumed: RunCheckpoint? = nil) throws(SampoError) -> Result {
        let start = DispatchTime.now().uptimeNanoseconds
        let sampler = self.sampler, target = self.target, seed = self.seed, total = runs, workers = min(jobs, runs)
        if let resumed, resumed.chains.count != total {
            throw .runtime("checkpoint: \(resumed.chains.count) runs, expected \(total)")
        }
        checkpoints?.begin(chains: total, output: .init(values: nil, statistics: nil, dimension: target.dimension, capacity: 0, columns: 0, storage: nil),
                           resumed: resumed)
        defer { checkpoints?.end() }
        let perWorker = Parallel.map(count: workers) { w in
            stride(from: w, to: total, by: workers).map { r -> (Int, Swift.Result<PopulationRun, SampoError>) in
                let stages = (checkpoints != nil || resumed?.chains[r] != nil)
                    ? PopulationStages(control: checkpoints, run: r, resumeState: resumed?.chains[r]?.state) : nil
                defer { checkpoints?.finished(chain: r) }
                do throws(SampoError) {
                    return (r, .success(try sampler.run(target: target, noise: RandomStream(seed: seed, stream: UInt64(r)), checkpoints: stages)))
                } catch {
                    return (r, .failure(error))
                }
            }
        }
        for list in perWorker { for (_, result) in list { if case .failure(let error) = result { throw error } } }
        var ordered = [PopulationRun?](repeating: nil, count: total)
        for list in perWorker { for (r, result) in list { if case .success(let run) = result { ordered[r] = run } } }
        let cost = target.density.costOfGradientCall
        let results = ordered.compactMap { $0 }.map { run -> PopulationRun in
            var charged = run
            charged.counts = run.counts.charged(gradientCallsAt: cost)
            return charged
        }
        let n = results.map(\.count).max() ?? 0, d = target.dimension
        var draws = Draws(chains: total, capacity: n, dimension: d)
        for (r, result) in results.enumerated() where result.failure == nil {
            draws.withMutableValues { values in
                for i in 0..<(result.count * d) { values[r * n * d + i] = result.particles[i] }
            }
            draws.recorded[r] = result.count
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Result(runs: results, draws: draws, wallSeconds: seconds)
    }

    /// A checkpoint's state record of these runs, read back (checked against the number of runs).
    public func readCheckpoint(from r: inout CheckpointReader) throws(SampoError) -> RunCheckpoint {
        try RunCheckpoint.read(from: &r, chains: runs, dimension: target.dimension, capacity: 0, statisticsColumns: 0)
    }

    /// Metadata for output files (nothing that depends on jobs or timing).
    public func metadata(kind: String) -> [(String, String)] {
        var m: [(String, String)] = [("sampo", kind), ("target", target.name), ("target_file", target.path),
                                     ("sampler", sampler.name), ("seed", "\(seed)"), ("runs", "\(runs)"),
                                     ("particles", "\(sampler.particles)"),
                                     // Particles, not Markov chains: summaries use errors between runs.
                                     ("draws", "population"), ("mcse", PopulationSummary.method)]
        for (k, v) in given.sorted(by: { $0.key < $1.key }) { m.append(("set." + k, v)) }
        return m
    }
}
