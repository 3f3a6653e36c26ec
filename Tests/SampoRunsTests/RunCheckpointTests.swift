import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// Checkpoint and resume of whole runs (issue 29 §1, §4): a run checkpointed at an iteration —
/// in warm-up, at its end, while sampling — and resumed from the checkpoint's bytes ends with the
/// same draws, sampler statistics, running moments and outcomes (acceptance, counts, adapted step
/// size and metric, divergences, E-BFMI, tempering reports) as the run never stopped; taking the
/// checkpoint changes nothing of the run itself.
final class RunCheckpointTests: XCTestCase {
    private struct Result: Equatable {
        var draws: [Double], recorded: [Int], outcomes: [ChainOutcome], statistics: [Double]?, moments: [Double]?
        init(_ run: ChainRun) {
            draws = run.draws.values; recorded = run.draws.recorded; outcomes = run.outcomes; statistics = run.statistics
            moments = run.moments.map { m in (0..<m.dimension).flatMap { j in [m.mean(j), m.variance(j)] + (0..<m.probabilities.count).map { m.quantile(j, $0) } } }
        }
    }

    /// Runs `job` three ways: plainly, taking a checkpoint at `iteration`, and resumed from that
    /// checkpoint's bytes; all three must agree bit for bit.
    private func check(_ job: SamplingJob, at iteration: Int, _ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let plain = Result(try job.runKeepingDivergedChains())
        let control = CheckpointControl(snapshotIteration: iteration)
        let taking = Result(try job.runKeepingDivergedChains(checkpoints: control))
        XCTAssertEqual(taking, plain, "\(label): taking a checkpoint changed the run", file: file, line: line)
        let checkpoint = try XCTUnwrap(control.captured, label)
        XCTAssertEqual(checkpoint.iterations.count, job.settings.chains, label, file: file, line: line)
        var w = CheckpointWriter()
        checkpoint.write(to: &w)
        var r = CheckpointReader(w.bytes)
        let read = try job.readCheckpoint(from: &r)
        XCTAssertTrue(r.isAtEnd, label, file: file, line: line)
        XCTAssertEqual(read, checkpoint, label, file: file, line: line)
        let resumed = Result(try job.runKeepingDivergedChains(resumingFrom: read))
        XCTAssertEqual(resumed.outcomes, plain.outcomes, "\(label): outcomes", file: file, line: line)
        XCTAssertEqual(resumed, plain, "\(label): resumed run differs", file: file, line: line)
    }

    private func settings(chains: Int = 3, steps: Int = 240, warmup: Int = 160, thin: Int = 2) -> RunSettings {
        RunSettings(chains: chains, steps: steps, warmup: warmup, thin: thin, seed: 11, jobs: 2)
    }

    /// Every Markov sampler of the registry, checkpointed in warm-up and while sampling, with
    /// Stan's sampler statistics where it records them.
    func testEverySamplerResumesExactly() throws {
        let smooth = try TargetFile.load(named: "lau-gmm"), composite = try TargetFile.load(named: "lau-gmm-l1prior")
        for info in SamplerCatalog.all where !info.isPopulation {
            var s = settings()
            s.samplerStatistics = info.acceptanceTarget != nil
            let job = try SamplingJob(target: info.family == .proximal ? composite : smooth, sampler: info, stepSize: nil, settings: s)
            for at in [97, 160, 233] { try check(job, at: at, "\(info.name) at \(at)") }
        }
    }

    /// Warm-up adaptation checkpointed mid-window (Stan's windows and nutpie's schedule, diagonal,
    /// dense and low-rank Fisher metrics), and a streaming run's running moments.
    func testWarmUpAndMomentsResumeExactly() throws {
        let target = try TargetFile.load(named: "gaussian-illcond")
        let cases: [(String, [String: ParameterValue])] = [("nuts", [:]), ("nuts", ["metric": .text("fisher-lowrank"), "adaptation": .text("nutpie")]),
                                                           ("mala", ["metric": .text("dense")]), ("hmc", ["metric": .text("fisher-diag")])]
        for (name, parameters) in cases {
            let job = try SamplingJob(target: target, sampler: try SamplerCatalog.named(name), stepSize: nil, parameters: parameters,
                                      settings: settings(chains: 2, steps: 120, warmup: 300, thin: 1))
            for at in [41, 150, 299] { try check(job, at: at, "\(name) \(parameters) at \(at)") }
        }
        var s = settings(chains: 3, steps: 900, warmup: 100, thin: 3)
        s.momentProbabilities = [0.05, 0.5, 0.95]
        s.keepDraws = false
        let streaming = try SamplingJob(target: try TargetFile.load(named: "lau-gmm"), sampler: try SamplerCatalog.named("mala"), stepSize: 0.3, settings: s)
        for at in [50, 104, 731] { try check(streaming, at: at, "mala --moments at \(at)") }
    }

    /// A checkpoint of another run shape is refused, by chain count and by what a chain holds.
    func testForeignCheckpointIsRefused() throws {
        let lau = try TargetFile.load(named: "lau-gmm")
        let job = try SamplingJob(target: lau, sampler: try SamplerCatalog.named("mala"), stepSize: 0.3, settings: settings())
        let control = CheckpointControl(snapshotIteration: 200)
        _ = try job.runKeepingDivergedChains(checkpoints: control)
        var w = CheckpointWriter()
        try XCTUnwrap(control.captured).write(to: &w)
        let four = try SamplingJob(target: lau, sampler: try SamplerCatalog.named("mala"), stepSize: 0.3, settings: settings(chains: 4))
        var r = CheckpointReader(w.bytes)
        XCTAssertThrowsError(try four.readCheckpoint(from: &r))
        let rwm = try SamplingJob(target: lau, sampler: try SamplerCatalog.named("rwm"), stepSize: 0.3, settings: settings())
        var r2 = CheckpointReader(w.bytes)
        XCTAssertThrowsError(try rwm.runKeepingDivergedChains(resumingFrom: try rwm.readCheckpoint(from: &r2))) { error in
            XCTAssertTrue("\(error)".contains("kernel"), "\(error)")
        }
    }

    /// A population run's outcome, bit for bit.
    private func fingerprint(_ result: PopulationJob.Result) -> [String] {
        result.runs.map { r in
            "\(r.particles.map(\.bitPattern)) \(r.count) \(r.logZ?.bitPattern as Any) \(r.schedule.map(\.bitPattern)) "
                + "\(r.acceptancePerStage.map(\.bitPattern)) \(r.essPerStage.map(\.bitPattern)) \(r.counts) \(r.failure as Any) "
                + "\(r.logZVariance?.bitPattern as Any) \(r.scoreQuality) \(r.warnings)"
        }
    }

    /// SMC (RWM, MALA and fitted-mixture moves, waste-free, multinomial resampling with the genealogy
    /// variance) and rdMC (Gaussian and nested starts) checkpointed between stages and resumed.
    func testPopulationRunsResumeBetweenStages() throws {
        // SMC takes five stages on the funnel with 300 particles, and rdMC as many as it is given.
        let lau = try TargetFile.load(named: "lau-gmm"), funnel = try TargetFile.load(named: "funnel")
        let cases: [(String, [String: ParameterValue], [Int])] = [
            ("smc", ["particles": .integer(300)], [0, 2, 4]),
            ("smc", ["particles": .integer(300), "kernel": .text("mala"), "resampling": .text("multinomial")], [1, 3]),
            ("smc", ["particles": .integer(300), "kernel": .text("mixture")], [2]),
            ("smc", ["particles": .integer(300), "waste_free": .text("true")], [3]),
            ("rdmc", ["particles": .integer(60), "steps": .integer(8), "inner_samples": .integer(40)], [0, 3, 8]),
            ("rdmc", ["particles": .integer(60), "steps": .integer(6), "inner_samples": .integer(40), "init": .text("nested")], [4]),
        ]
        for (name, parameters, stages) in cases {
            let job = try PopulationJob(target: name == "smc" ? funnel : lau, sampler: try SamplerCatalog.named(name), parameters: parameters,
                                        runs: 3, seed: 4, jobs: 2)
            let plain = fingerprint(try job.run())
            for k in stages {
                let label = "\(name) \(parameters) at stage \(k)"
                let control = CheckpointControl(snapshotIteration: k)
                XCTAssertEqual(fingerprint(try job.run(checkpoints: control)), plain, "\(label): taking a checkpoint changed the run")
                let checkpoint = try XCTUnwrap(control.captured, label)
                XCTAssertEqual(checkpoint.chains.compactMap { $0 }.count, 3, label)
                var w = CheckpointWriter()
                checkpoint.write(to: &w)
                var r = CheckpointReader(w.bytes)
                let read = try job.readCheckpoint(from: &r)
                XCTAssertEqual(fingerprint(try job.run(resumingFrom: read)), plain, "\(label): the resumed runs differ")
            }
        }
    }
}
