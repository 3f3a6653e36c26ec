import SampoCore
import SampoDiagnostics
import Foundation

/// Runs one cell of a comparison grid and measures it. Markov samplers run `chains` chains whose
/// oracle calls per chain add up to the budget (a sampler with two gradients per step gets half the
/// steps; a fifth of them are warm-up). Population samplers get the same total, budget × chains,
/// through their population size (split over `populationRuns` independent runs).
public enum ComparisonRunner {
    /// `targets` turns a grid's target name into a target (the files layer passes its loader).
    /// With `checkpoint`, the cell's run can be checkpointed as it goes, or continues an earlier one.
    /// `keep` is handed the finished run (its draws, and for Hamiltonian samplers their per-transition
    /// statistics) before the row is returned.
    public static func run(_ cell: ComparisonGrid.Cell, grid: ComparisonGrid, jobs: Int, checkpoint: CellCheckpoint? = nil,
                           keep: ((CellRun) throws(SampoError) -> Void)? = nil,
                           targets: (String) throws(SampoError) -> NamedTarget) throws(SampoError) -> ComparisonRow {
        let target = try targets(cell.target)
        let info = try SamplerCatalog.named(cell.sampler.name)
        let given = cell.sampler.settings.mapValues { ParameterValue.text($0) }
        let params = try info.parameters(given)
        if info.isPopulation {
            return try population(cell, grid: grid, info: info, parameters: params, target: target, jobs: jobs, checkpoint: checkpoint, keep: keep)
        }
        let cost = info.stepCost(params)
        if cost.varies {
            return try variableCost(cell, grid: grid, info: info, given: given, target: target, jobs: jobs, checkpoint: checkpoint, keep: keep)
        }
        var h = cell.sampler.stepSize ?? SamplingJob.defaultStepSize(target: target, sampler: info, parameters: given) ?? 0
        let calls = cost.charged(for: target.density)
        let iterations = grid.budget / max(1, calls) - 1
        let warmup = info.adaptsByDefault ? min(grid.warmup ?? iterations / 5, iterations) : iterations / 5
        let steps = iterations - warmup
        guard steps >= 10 else {
            throw .invalid(.argument("budget"), "\(grid.budget) leaves fewer than 10 steps for \(info.name)")
        }
        var tuningCounts = OracleCounts()
        // Samplers with their own warm-up (HMC) adapt there; --tune does not add a pilot.
        if grid.tune && !info.adaptsByDefault {
            try info.validate(stepSize: h)
            let tuned = try StepSizeTuning.tune(sampler: info, target: target, parameters: params, start: h,
                                            iterations: warmup, seed: cell.seed)
            h = tuned.stepSize
            tuningCounts = tuned.counts
        }
        var settings = RunSettings(chains: grid.chains, steps: steps, warmup: warmup, seed: cell.seed,
                                   jobs: jobs, initialization: startingPoint(target))
        settings.samplerStatistics = keep != nil && info.capabilities.contains(.divergences)
        let job = try SamplingJob(target: target, sampler: info, stepSize: h, parameters: given, settings: settings)
        return try measure(job, cell: cell, grid: grid, target: target, stepSize: h, steps: steps, extraCounts: tuningCounts,
                           checkpoint: checkpoint, keep: keep)
    }

    /// Samplers whose cost per step varies (NUTS; HMC with a trajectory length): the grid's warm-up
    /// iterations, by default Stan's 1000 (a fiftieth of the budget in iterations when that is
    /// fewer, at least 150), then draws until each chain has spent the budget, warm-up included;
    /// chains are cut to the shortest. Oracle calls are counted exactly.
    static func variableCost(_ cell: ComparisonGrid.Cell, grid: ComparisonGrid, info: SamplerInfo,
                             given: [String: ParameterValue], target: NamedTarget, jobs: Int,
                             checkpoint: CellCheckpoint?, keep: ((CellRun) throws(SampoError) -> Void)?) throws(SampoError) -> ComparisonRow {
        let warmup = grid.warmup ?? max(150, min(1000, grid.budget / 50))
        var settings = RunSettings(chains: grid.chains, steps: grid.budget, warmup: warmup, seed: cell.seed, jobs: jobs,
                                   initialization: startingPoint(target))
        settings.oracleBudget = grid.budget
        if let n = grid.steps { settings.steps = n; settings.oracleBudget = nil }
        settings.samplerStatistics = keep != nil && info.capabilities.contains(.divergences)
        let h = cell.sampler.stepSize ?? SamplingJob.defaultStepSize(target: target, sampler: info, parameters: given) ?? 0
        let job = try SamplingJob(target: target, sampler: info, stepSize: h, parameters: given, settings: settings)
        let row = try measure(job, cell: cell, grid: grid, target: target, stepSize: h, steps: nil, extraCounts: OracleCounts(),
                              checkpoint: checkpoint, keep: keep)
        guard (row.values["steps"] ?? nil).map({ $0 >= 10 }) ?? false else {
            throw .invalid(.argument(grid.steps == nil ? "budget" : "steps"), "\(grid.budget) oracle calls per chain leave fewer than 10 draws for \(info.name) "
                            + "after its \(warmup) warm-up iterations; raise the budget")
        }
        return row
    }

    /// Where the chains start, as `sample` does by default.
    static func startingPoint(_ target: NamedTarget) -> Initialization { .default(for: target) }

    /// Runs a job and fills a comparison row; `steps` nil: the draws the healthy chains kept.
    /// With warm-up adaptation the row's step size is the chains' mean adapted one.
    static func measure(_ job: SamplingJob, cell: ComparisonGrid.Cell, grid: ComparisonGrid, target: NamedTarget,
                        stepSize: Double, steps fixedSteps: Int?, extraCounts tuningCounts: OracleCounts,
                        checkpoint: CellCheckpoint?, keep: ((CellRun) throws(SampoError) -> Void)? = nil) throws(SampoError) -> ComparisonRow {
        let result = try job.runKeepingDivergedChains(checkpoints: checkpoint?.control,
                                                      resumingFrom: try checkpoint?.resumed { (r) throws(SampoError) in try job.readCheckpoint(from: &r) })
        let kept = result.outcomes.indices.filter { result.outcomes[$0].divergedAt == nil }.map { result.draws.recorded[$0] }
        let steps = fixedSteps ?? kept.min() ?? 0
        let adapted = result.outcomes.compactMap(\.adaptedStepSize)
        let h = adapted.isEmpty ? stepSize : adapted.reduce(0, +) / Double(adapted.count)
        let quality = SampleQuality(run: result, target: target)
        let oracle = Double(result.totalCounts.gradientEvaluations + result.totalCounts.densityEvaluations
                            + tuningCounts.gradientEvaluations + tuningCounts.densityEvaluations)
        // Warm-up's own oracle calls (adaptive runs), so that ESS can also be had per sampling call.
        let warmupCalls = result.outcomes.reduce(0) { $0 + $1.warmupCounts.gradientEvaluations + $1.warmupCounts.densityEvaluations }
        let warmupOracle: Double? = result.settings.adaptation == nil || result.settings.warmup == 0 ? nil : Double(warmupCalls)
        let healthyChains = result.outcomes.indices.filter { result.outcomes[$0].divergedAt == nil }
        let healthy = healthyChains.map { result.outcomes[$0] }
        // A Stan model's chains are summarised on the constrained values, as Stan reports them.
        let reporting = target.density as? any ReportedCoordinates
        let reported = try reporting.map { (r) throws(SampoError) in try result.draws.reported(by: r, seed: result.settings.seed) } ?? result.draws
        let rows = healthy.isEmpty ? nil : try? DrawsSummary.summarize(reported, names: reporting?.reportedNames, chains: healthyChains)
        let essBulk = rows?.compactMap(\.essBulk).min(), essTail = rows?.compactMap(\.essTail).min()
        var v: [String: Double?] = [
            "step_size": h, "chains": Double(grid.chains), "steps": Double(steps), "grad_evals": oracle,
            "warmup_grad_evals": warmupOracle,
            "wall_seconds": result.wallSeconds,
            "accept_rate": healthy.isEmpty ? nil : healthy.map(\.acceptanceRate).reduce(0, +) / Double(healthy.count),
            "ess_bulk_min": essBulk, "ess_tail_min": essTail, "rhat_max": rows?.compactMap(\.rhat).max(),
            "ess_per_second": essBulk.map { $0 / max(result.wallSeconds, 1e-9) },
            "ess_per_1k_grad": essBulk.map { $0 / (oracle / 1000) },
            "log_z": logZ(healthy)?.logZ, "log_z_se": logZ(healthy)?.standardError,
            "diverged_chains": Double(result.divergedChains.count),
            // Hamiltonian samplers: kept transitions whose energy error exceeded 1000 (Stan's divergent__).
            "divergent_transitions": job.sampler.capabilities.contains(.divergences) ? Double(healthy.reduce(0) { $0 + $1.divergentTransitions }) : nil,
        ]
        fill(&v, quality)
        try against(target, rows, &v)
        try keep?(.chains(job: job, run: result, quality: quality, draws: reported, names: reporting?.reportedNames ?? target.parameterNames))
        return ComparisonRow(target: cell.target, sampler: cell.sampler.label, seed: cell.seed, values: v)
    }

    /// log Ẑ of a Markov sampler that estimates it (parallel tempering): the mean over chains of
    /// Ẑ, in logs (as for population runs), with its standard error between chains (one chain: its
    /// batch-means error).
    static func logZ(_ outcomes: [ChainOutcome]) -> LogNormalizerEstimate? { LogNormalizerEstimate(outcomes: outcomes) }

    static func population(_ cell: ComparisonGrid.Cell, grid: ComparisonGrid, info: SamplerInfo, parameters: SamplerParameters,
                           target: NamedTarget, jobs: Int, checkpoint: CellCheckpoint?,
                           keep: ((CellRun) throws(SampoError) -> Void)?) throws(SampoError) -> ComparisonRow {
        var given = cell.sampler.settings.mapValues { ParameterValue.text($0) }
        let runs = grid.populationRuns
        let total = grid.budget * grid.chains / runs
        var pilotCalls = 0
        if given["particles"] == nil {
            // Population size from the budget, as the sampler plans it (SMC counts the stages of a
            // pilot run, whose calls count towards the row's).
            let sampler = try info.makePopulationSampler(parameters: parameters)
            let plan = sampler.particles(forBudget: total, target: target, seed: cell.seed &+ 0x9E37)
            pilotCalls = plan.pilotCalls
            given["particles"] = .text("\(plan.particles)")
        }
        let job = try PopulationJob(target: target, sampler: info, parameters: given, runs: runs, seed: cell.seed, jobs: jobs)
        let result = try job.run(checkpoints: checkpoint?.control,
                                 resumingFrom: try checkpoint?.resumed { (r) throws(SampoError) in try job.readCheckpoint(from: &r) })
        let ok = result.failedRuns.isEmpty
        let reporting = target.density as? any ReportedCoordinates
        let drawn = try reporting.map { (r) throws(SampoError) in try result.draws.reported(by: r, seed: cell.seed) } ?? result.draws
        let quality = ok ? SampleQuality(draws: drawn, chains: Array(0..<drawn.chains), target: target) : SampleQuality()
        let oracle = Double(result.totalCounts.gradientEvaluations + result.totalCounts.densityEvaluations + pilotCalls)
        var v: [String: Double?] = [
            "step_size": nil, "chains": Double(runs), "steps": Double(job.sampler.particles), "grad_evals": oracle,
            "wall_seconds": result.wallSeconds,
            "accept_rate": result.runs.first.flatMap { r in r.acceptancePerStage.isEmpty ? nil : r.acceptancePerStage.reduce(0, +) / Double(r.acceptancePerStage.count) },
            "ess_bulk_min": nil, "ess_tail_min": nil, "rhat_max": nil, "ess_per_second": nil, "ess_per_1k_grad": nil,
            "log_z": result.logZ, "log_z_se": result.logZStandardError, "diverged_chains": ok ? 0 : 1,
        ]
        fill(&v, quality)
        // A population's MCSE comes from the spread between runs: one run has none, so its z is not defined.
        let rows = ok && drawn.chains > 1 ? try? PopulationSummary.summarize(drawn, names: reporting?.reportedNames, runs: Array(0..<drawn.chains)) : nil
        try against(target, rows, &v)
        try keep?(.population(job: job, result: result, quality: quality, draws: drawn, names: reporting?.reportedNames ?? target.parameterNames))
        return ComparisonRow(target: cell.target, sampler: cell.sampler.label, seed: cell.seed, values: v)
    }

    /// Gold-standard columns (a posteriordb target): the largest |z| of a mean and the largest
    /// |sd ratio − 1| over the reference's parameters.
    /// `rows` nil: nothing to compare (every chain diverged, or one population run without an MCSE).
    static func against(_ target: NamedTarget, _ rows: [ParameterSummary]?, _ v: inout [String: Double?]) throws(SampoError) {
        // Present and empty unless the target has a gold standard (as a row read back from a file is).
        v["ref_max_abs_z"] = Double?.none
        v["ref_max_sd_error"] = Double?.none
        guard let rows, let load = target.referenceDraws else { return }
        let agreement = try ReferenceAgreement(summaries: rows, reference: try load())
        v["ref_max_abs_z"] = agreement.maxAbsZ
        v["ref_max_sd_error"] = agreement.maxSDError
    }

    static func fill(_ v: inout [String: Double?], _ q: SampleQuality) {
        v["mean_error"] = q.meanError
        v["cov_error"] = q.covarianceError
        v["psnr"] = q.psnr
        v["ssim"] = q.ssim
        v["sliced_w2"] = q.slicedW2
        v["energy_distance"] = q.energyDistance
        v["ksd"] = q.ksd
        v["mode_weight_tv"] = q.modeWeightTV
    }
}
