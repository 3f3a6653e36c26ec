import Foundation

/// Runs `sampler` on `target` and returns the draws: the one call of Sampo's Swift API.
///
/// ```swift
/// let run = try Sampo.sample(myTarget, with: .mala(stepSize: 0.2), chains: 4, steps: 10_000, seed: 42)
/// let summary = try run.summary()
/// ```
///
/// - Markov samplers run `chains` chains of `warmup` + `steps` iterations (keeping every `thin`-th after
///   warm-up), chain c on random stream (seed, c); the result does not depend on `jobs`. Each chain
///   starts at `starts[c]` when given, else where `Initialization.default(for:)` says (a Stan model: uniform on
///   (−2, 2) as Stan's; otherwise a N(0, I) draw). A start whose log density is not finite
///   is an error naming the chain; chains that diverge later are reported in `failedChains`; if every
///   chain diverges the call throws `.allChainsDiverged`.
/// - Population samplers (`.smc`, `.rdmc`) make `chains` independent runs; `steps`, `warmup`, `thin`
///   and `starts` do not apply to them and must be left out.
/// - `steps`, `warmup` and `thin` left out are 1000, 1000 and 1 (`RunSettings`'s defaults).
/// - `samplerStatistics`: keep each kept transition's statistics (NUTS's tree depth, leapfrog steps,
///   divergences, energy, acceptance; Metropolis-adjusted and Hamiltonian samplers), read per chain
///   from ``SampledRun/samplerStatistics``.
/// - A gradient whose length is not the target's dimension is refused before sampling
///   (``/SampoCore/SampoError/wrongLength(of:expected:received:)``); what may make the results wrong is in
///   ``SampledRun/warnings`` and in the summary's `note`.
public func sample(_ target: some LogDensity, with sampler: SamplerChoice, chains: Int = 4, steps: Int? = nil,
                   warmup: Int? = nil, thin: Int? = nil, seed: UInt64 = 1, jobs: Int? = nil,
                   starts: [[Double]]? = nil, samplerStatistics: Bool = false) throws(SampoError) -> SampledRun {
    let named = NamedTarget(name: "custom", density: target)
    return try sample(named, with: sampler, chains: chains, steps: steps, warmup: warmup, thin: thin, seed: seed,
                      jobs: jobs, starts: starts, samplerStatistics: samplerStatistics)
}

/// `sample(_:with:…)` on a target with a name and known facts (e.g. loaded with `TargetFile.load(named:)`),
/// whose known moments and exact draws `SampledRun.quality()` then uses.
public func sample(_ target: NamedTarget, with sampler: SamplerChoice, chains: Int = 4, steps: Int? = nil,
                   warmup: Int? = nil, thin: Int? = nil, seed: UInt64 = 1, jobs: Int? = nil,
                   starts: [[Double]]? = nil, samplerStatistics: Bool = false) throws(SampoError) -> SampledRun {
    let info = try SamplerCatalog.named(sampler.name)
    let workers = jobs ?? ProcessInfo.processInfo.activeProcessorCount
    if info.isPopulation {
        if sampler.stepSize != nil { throw .invalid(.stepSize, "sampler '\(info.name)' takes no step size") }
        if sampler.adapt == true { throw .invalid(.argument("adapt"), "sampler '\(info.name)' is a population sampler; its moves adapt themselves") }
        guard starts == nil, steps == nil, warmup == nil, thin == nil, !samplerStatistics else {
            throw .usage("sampler '\(info.name)' is a population sampler: steps, warmup, thin, starts and samplerStatistics do not apply")
        }
        let job = try PopulationJob(target: target, sampler: info, parameters: sampler.parameters, runs: chains,
                                    seed: seed, jobs: workers)
        let result = try job.run()
        guard result.failedRuns.count < result.runs.count else {
            throw .runtime("every run of \(info.name) failed: " + result.runs.compactMap(\.failure).joined(separator: "; "))
        }
        // A Stan model's particles come back as lp__ and its constrained values, as chains' draws do.
        let draws = try (target.density as? any ReportedCoordinates).map { (r) throws(SampoError) in try result.draws.reported(by: r, seed: seed) } ?? result.draws
        return SampledRun(target: target, sampler: sampler, draws: draws, chains: nil, population: result)
    }
    var settings = RunSettings(chains: chains, steps: steps ?? RunSettings.defaultSteps, warmup: warmup ?? RunSettings.defaultWarmup,
                               thin: thin ?? 1, seed: seed, jobs: workers, initialization: starts.map { .points($0) } ?? .default(for: target))
    settings.samplerStatistics = samplerStatistics
    let job = try SamplingJob(target: target, sampler: info, stepSize: sampler.stepSize, parameters: sampler.parameters,
                              settings: settings, adapt: sampler.adapt)
    let sampled = try job.run()
    // A Stan model's draws come back as lp__ and its constrained values, named as Stan names them.
    let run = try (target.density as? any ReportedCoordinates).map { (r) throws(SampoError) in try sampled.reported(by: r) } ?? sampled
    return SampledRun(target: target, sampler: sampler, draws: run.draws, chains: run, population: nil)
}
