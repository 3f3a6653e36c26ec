import SampoCore
import SampoDiagnostics
import SampoRuns
import Foundation

/// The JSON run report of a Markov sampler run.
public struct RunReport: Codable, Sendable {
    public var target: String
    public var targetFile: String
    public var sampler: String
    public var stepSize: Double
    public var parameters: [String: Double]
    public var parameterNotes: [String]
    public var seed: UInt64
    public var chains: Int
    public var steps: Int
    public var warmup: Int
    public var thin: Int
    public var initialization: String
    public var acceptancePerChain: [Double]
    public var gradientEvaluations: Int
    public var densityEvaluations: Int
    public var gradientEvaluationsPerChain: [Int]
    public var densityEvaluationsPerChain: [Int]
    public var wallSeconds: Double
    /// The process's peak resident memory when the report was written (MB, 10⁶ bytes): the run
    /// and the output files before it; not reproducible, like the wall time.
    public var peakMemoryMB: Double?
    /// Chains (numbered from 1) whose state became non-finite, with the iteration where it happened.
    public var divergedChains: [Int]
    public var divergedAtIteration: [Int]
    public var meanError: Double?
    public var covarianceError: Double?
    /// Image posteriors with a known truth: PSNR (dB) and SSIM of the posterior mean.
    public var psnr: Double?
    public var ssim: Double?
    /// With warm-up adaptation: the adapted step size per chain, the metric kind and, per chain,
    /// the inverse metric (d variances, or d² row-major for dense).
    public var adaptedStepSizes: [Double]?
    public var metric: String?
    public var inverseMetrics: [[Double]]?
    /// Hamiltonian samplers: kept transitions whose energy error exceeded 1000, per chain.
    public var divergentTransitionsPerChain: [Int]?
    /// What the kernel reports per chain (parallel tempering: schedule, barrier, swap acceptance
    /// per pair, round trips, log_z).
    public var kernelReports: [[String: [Double]]]?
    /// What may make the results wrong without looking wrong (chains that disagree about the modes'
    /// weights or about log Ẑ beyond their own errors); empty when nothing was found.
    public var warnings: [String] = []

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
        case divergentTransitionsPerChain = "divergent_transitions_per_chain"
        case kernelReports = "kernel_reports"
        case warnings
    }

    public init(job: SamplingJob, run: ChainRun, meanError: Double?, covarianceError: Double?, psnr: Double? = nil, ssim: Double? = nil) {
        target = job.target.name
        targetFile = job.target.path
        sampler = job.sampler.name
        stepSize = job.stepSize
        parameters = job.resolvedParameters
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
                metric = a.metric.rawValue
                inverseMetrics = run.outcomes.map { $0.inverseMetric?.values ?? [] }
            }
        }
        if job.sampler.capabilities.contains(.divergences) { divergentTransitionsPerChain = run.outcomes.map(\.divergentTransitions) }
        if run.outcomes.contains(where: { !$0.report.isEmpty }) {
            // JSON has no NaN: an undefined entry (a pair never tried) becomes -1.
            kernelReports = run.outcomes.map { $0.report.mapValues { $0.map { $0.isFinite ? $0 : -1 } } }
        }
    }

    public func json() throws(SampoError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { return try encoder.encode(self) } catch { throw .runtime("cannot encode run report: \(error)") }
    }
}
