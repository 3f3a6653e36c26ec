import SampoCore
import SampoDiagnostics
import SampoRuns
import Foundation

/// The JSON run report, one type for Markov and population runs: the fields both have, then those
/// of chains (nil for a population run) and those of runs of a population sampler (nil for chains);
/// absent fields are left out of the JSON.
public struct RunReport: Codable, Sendable {
    /// A parameter as the report states it: a number (a Markov kernel's resolved parameters) or the
    /// text given (a population sampler's settings).
    public enum Value: Codable, Sendable, Equatable {
        case number(Double), text(String)
        public init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let x = try? c.decode(Double.self) { self = .number(x) } else { self = .text(try c.decode(String.self)) }
        }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .number(let x): try c.encode(x)
            case .text(let t): try c.encode(t)
            }
        }
    }

    public var target: String
    public var sampler: String
    public var parameters: [String: Value]
    public var seed: UInt64
    public var gradientEvaluations: Int
    public var densityEvaluations: Int
    public var wallSeconds: Double
    /// What may make the results wrong without looking wrong; empty when nothing was found.
    /// Each with its kind, and the chain (from 1), parameter, value and threshold it is about.
    public var warnings: [RunWarning] = []

    // Chains of a Markov sampler.
    public var targetFile: String?
    public var stepSize: Double?
    public var parameterNotes: [String]?
    public var chains: Int?
    public var steps: Int?
    public var warmup: Int?
    public var thin: Int?
    public var initialization: String?
    public var acceptancePerChain: [Double]?
    public var gradientEvaluationsPerChain: [Int]?
    public var densityEvaluationsPerChain: [Int]?
    /// The process's peak resident memory when the report was written (MB, 10⁶ bytes): the run
    /// and the output files before it; not reproducible, like the wall time.
    public var peakMemoryMB: Double?
    /// Chains (numbered from 1) whose state became non-finite, with the iteration where it happened.
    public var divergedChains: [Int]?
    public var divergedAtIteration: [Int]?
    public var meanError: Double?
    public var covarianceError: Double?
    /// Image posteriors with a known truth: PSNR (dB) and SSIM of the posterior mean.
    public var psnr: Double?
    public var ssim: Double?
    /// With warm-up adaptation: the adapted step size per chain, the metric kind and, per chain,
    /// the inverse metric (d variances, or d² row-major for dense).
    public var adaptedStepSizes: [Double]?
    public var metric: String?
    /// The metric's warm-up schedule (stan or nutpie).
    public var metricAdaptation: String?
    public var inverseMetrics: [[Double]]?
    /// fisher-lowrank, per chain: the kept eigenvalues λᵢ and eigenvectors uᵢ (k × d) of
    /// M⁻¹ = D(I + Σ (λᵢ − 1) uᵢuᵢᵀ)D, whose D² is `inverse_metrics`.
    public var metricEigenvalues: [[Double]]?
    public var metricEigenvectors: [[[Double]]]?
    /// Hamiltonian samplers: kept transitions whose energy error exceeded 1000, per chain.
    public var divergentTransitionsPerChain: [Int]?
    /// What the kernel reports per chain (parallel tempering: schedule, barrier, swap acceptance
    /// per pair, round trips, log_z).
    public var kernelReports: [[String: [Double]]]?

    // Independent runs of a population sampler (SMC, rdMC).
    public var runs: Int?
    public var particles: Int?
    public var logZ: Double?
    /// Standard error of log_z (between runs, or the genealogy estimate of one run) and how it was had.
    public var logZStandardError: Double?
    public var logZStandardErrorMethod: String?
    public var logZRuns: [Double?]?
    public var schedules: [[Double]]?
    public var acceptancePerStage: [[Double]]?
    /// SMC: the incremental weights' ESS per stage, per run.
    public var essPerStage: [[Double]]?
    public var failures: [String]?
    /// rdMC: importance ESS of the score estimates per outer step, per run.
    public var scoreESS: [[ScoreQuality]]?

    enum CodingKeys: String, CodingKey {
        case target, sampler, parameters, seed, chains, steps, warmup, thin
        case parameterNotes = "parameter_notes"
        case targetFile = "target_file", stepSize = "step_size", initialization = "init"
        case acceptancePerChain = "acceptance_per_chain"
        case gradientEvaluations = "gradient_evaluations", densityEvaluations = "density_evaluations"
        case gradientEvaluationsPerChain = "gradient_evaluations_per_chain"
        case densityEvaluationsPerChain = "density_evaluations_per_chain"
        case wallSeconds = "wall_seconds", peakMemoryMB = "peak_memory_mb", divergedChains = "diverged_chains"
        case divergedAtIteration = "diverged_at_iteration"
        case meanError = "mean_error", covarianceError = "cov_error", psnr, ssim
        case adaptedStepSizes = "adapted_step_sizes", metric, inverseMetrics = "inverse_metrics"
        case metricAdaptation = "metric_adaptation"
        case metricEigenvalues = "metric_eigenvalues", metricEigenvectors = "metric_eigenvectors"
        case divergentTransitionsPerChain = "divergent_transitions_per_chain"
        case kernelReports = "kernel_reports"
        case warnings
        case runs, particles, schedules, failures
        case scoreESS = "score_ess"
        case logZ = "log_z", logZStandardError = "log_z_se", logZStandardErrorMethod = "log_z_se_method", logZRuns = "log_z_runs"
        case acceptancePerStage = "acceptance_per_stage", essPerStage = "ess_per_stage"
    }

    public init(job: SamplingJob, run: ChainRun, meanError: Double?, covarianceError: Double?, psnr: Double? = nil, ssim: Double? = nil) {
        target = job.target.name
        targetFile = job.target.path
        sampler = job.sampler.name
        stepSize = job.stepSize
        parameters = job.resolvedParameters.mapValues(Value.number)
        parameterNotes = job.parameterNotes
        seed = job.settings.seed
        chains = job.settings.chains
        steps = job.settings.steps
        warmup = job.settings.warmup
        thin = job.settings.thin
        initialization = job.settings.initialization.label
        acceptancePerChain = run.outcomes.map(\.acceptanceRate)
        gradientEvaluations = run.totalCounts.gradientEvaluations
        densityEvaluations = run.totalCounts.densityEvaluations
        gradientEvaluationsPerChain = run.outcomes.map(\.counts.gradientEvaluations)
        densityEvaluationsPerChain = run.outcomes.map(\.counts.densityEvaluations)
        wallSeconds = run.wallSeconds
        peakMemoryMB = ProcessMemory.peakMegabytes
        divergedChains = run.divergedChains.map { $0 + 1 }
        divergedAtIteration = run.outcomes.compactMap(\.divergedAt)
        self.meanError = meanError
        self.covarianceError = covarianceError
        self.psnr = psnr
        self.ssim = ssim
        if let a = job.settings.adaptation {
            adaptedStepSizes = run.outcomes.map { $0.adaptedStepSize ?? job.stepSize }
            if job.sampler.adaptsMetric {
                // A metric the run started with (RunSettings.initialMetric) is reported by its shape (warm-up adapted none).
                metric = job.settings.initialMetric.map { "given \($0.kind.rawValue)" } ?? a.metric.rawValue
                if job.settings.initialMetric == nil { metricAdaptation = a.schedule.rawValue }
                reportMetrics(run)
            }
        } else if let m = job.settings.initialMetric {
            // A mass matrix given to a sampler without warm-up (the kinetic splittings, or with adaptation off).
            metric = "given \(m.kind.rawValue)"
            reportMetrics(run)
        }
        if job.sampler.capabilities.contains(.divergences) { divergentTransitionsPerChain = run.outcomes.map(\.divergentTransitions) }
        if run.outcomes.contains(where: { $0.report != nil }) {
            // JSON has no NaN: an undefined entry (a pair never tried) becomes -1.
            kernelReports = run.outcomes.map { ($0.report?.entries ?? [:]).mapValues { $0.map { $0.isFinite ? $0 : -1 } } }
        }
    }

    /// The inverse metric per chain and, for low rank, its eigenpairs.
    private mutating func reportMetrics(_ run: ChainRun) {
        inverseMetrics = run.outcomes.map { $0.inverseMetric?.values ?? [] }
        let lowRank = run.outcomes.map { $0.inverseMetric?.lowRank }
        if lowRank.contains(where: { $0 != nil }) {
            metricEigenvalues = lowRank.map { $0?.eigenvalues ?? [] }
            metricEigenvectors = lowRank.map { m in
                guard let m else { return [] }
                return (0..<m.rank).map { Array(m.vectors[($0 * m.dimension)..<(($0 + 1) * m.dimension)]) }
            }
        }
    }

    /// The report of independent runs of a population sampler.
    public init(job: PopulationJob, result: PopulationJob.Result) {
        target = job.target.name
        sampler = job.sampler.name
        parameters = job.given.mapValues(Value.text)
        seed = job.seed
        runs = job.runs
        particles = job.sampler.particles
        logZ = result.logZ
        logZStandardError = result.logZStandardError
        logZStandardErrorMethod = result.logZStandardErrorMethod
        logZRuns = result.runs.map(\.logZ)
        schedules = result.runs.map(\.schedule)
        acceptancePerStage = result.runs.map(\.acceptancePerStage)
        if result.runs.contains(where: { !$0.essPerStage.isEmpty }) { essPerStage = result.runs.map(\.essPerStage) }
        gradientEvaluations = result.totalCounts.gradientEvaluations
        densityEvaluations = result.totalCounts.densityEvaluations
        wallSeconds = result.wallSeconds
        failures = result.runs.enumerated().compactMap { i, r in r.failure.map { "run \(i + 1): \($0)" } }
        let quality = result.runs.map(\.scoreQuality)
        scoreESS = quality.allSatisfy(\.isEmpty) ? nil : quality
        warnings = result.warnings(for: job.target)
    }

    public func json() throws(SampoError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { return try encoder.encode(self) } catch { throw .runtime("cannot encode run report: \(error)") }
    }
}
