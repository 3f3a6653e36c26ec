import Foundation
import XCTest
import Sampo
import SampoTestSupport

final class ComparisonTests: XCTestCase {
    private func grid(budget: Int = 4000, tune: Bool = false) -> ComparisonGrid {
        ComparisonGrid(targets: [TestSupport.root.appendingPathComponent("targets/lau-gmm.toml").path,
                                 TestSupport.root.appendingPathComponent("targets/gmm25.toml").path],
                       samplers: [.init(name: "ula"), .init(name: "mala"), .init(name: "rlmc")], seeds: [1, 2],
                       budget: budget, chains: 2, tune: tune)
    }

    private func strip(_ rows: [ComparisonRow]) -> [ComparisonRow] {
        rows.map { r in
            var c = r
            for k in ComparisonRow.timingColumns { c.values[k] = nil }
            return c
        }
    }

    func testGridExpansionAndShards() throws {
        let g = grid()
        XCTAssertEqual(g.cells.count, 12)
        XCTAssertEqual(g.cells.map(\.index), Array(0..<12))
        XCTAssertEqual(g.cells[0].sampler.name, "ula"); XCTAssertEqual(g.cells[1].seed, 2)
        let shards = (1...5).map { g.cells(shard: $0, of: 5) }
        XCTAssertEqual(shards.flatMap { $0 }.map(\.index).sorted(), Array(0..<12))
        XCTAssertEqual(Set(shards[0].map(\.index)).intersection(shards[1].map(\.index)), [])
        XCTAssertEqual(try ComparisonGrid.parseSeeds("1-3,7"), [1, 2, 3, 7])
        XCTAssertThrowsError(try ComparisonGrid.parseSeeds("5-1"))
        XCTAssertThrowsError(try ComparisonGrid.parseShard("3/2"))
        XCTAssertThrowsError(try ComparisonGrid.parseShard("0/2"))
    }

    /// Samplers with two gradients per step get half the steps; every row spends the budget.
    func testBudgetsPerSampler() throws {
        let g = grid()
        var rows: [ComparisonRow] = []
        for cell in g.cells where cell.seed == 1 && cell.target.hasSuffix("lau-gmm.toml") {
            rows.append(try ComparisonRunner.run(cell, grid: g, jobs: 2))
        }
        let steps = Dictionary(uniqueKeysWithValues: rows.map { ($0.sampler, ($0.values["steps"] ?? nil) ?? 0) })
        let evals = Dictionary(uniqueKeysWithValues: rows.map { ($0.sampler, ($0.values["grad_evals"] ?? nil) ?? 0) })
        XCTAssertEqual(steps["ula"], 3200); XCTAssertEqual(steps["rlmc"], 1600)
        for (s, e) in evals { XCTAssertLessThanOrEqual(e, Double(4000 * 2), s); XCTAssertGreaterThan(e, Double(3900 * 2), s) }
    }

    /// MYMALA and P-MALA evaluate the density apart from their gradient: two calls a step, so half
    /// the steps of MYULA and PSGLA, and every row within the budget (they used to spend twice it).
    func testProximalMetropolisSamplersSpendTheBudget() throws {
        let g = ComparisonGrid(targets: [TestSupport.root.appendingPathComponent("targets/lau-gmm-l1prior.toml").path],
                               samplers: [.init(name: "myula"), .init(name: "mymala"), .init(name: "pmala"), .init(name: "psgla")],
                               seeds: [1], budget: 4000, chains: 2, tune: false)
        let rows = try g.cells.map { cell throws in try ComparisonRunner.run(cell, grid: g, jobs: 2) }
        let steps = Dictionary(uniqueKeysWithValues: rows.map { ($0.sampler, ($0.values["steps"] ?? nil) ?? 0) })
        XCTAssertEqual(steps["myula"], 3200); XCTAssertEqual(steps["psgla"], 3200)
        XCTAssertEqual(steps["mymala"], 1600); XCTAssertEqual(steps["pmala"], 1600)
        for r in rows {
            let e = (r.values["grad_evals"] ?? nil) ?? 0
            XCTAssertLessThanOrEqual(e, Double(4000 * 2 + 2 * 2), r.sampler); XCTAssertGreaterThan(e, Double(3900 * 2), r.sampler)
        }
    }

    func testIdenticalForAnyJobsAndShardsMergeToTheWhole() throws {
        let g = grid()
        let one = try g.cells.map { try ComparisonRunner.run($0, grid: g, jobs: 1) }
        let two = try g.cells.map { try ComparisonRunner.run($0, grid: g, jobs: 2) }
        XCTAssertEqual(strip(one), strip(two))
        var merged: [ComparisonRow] = []
        for i in 1...3 {
            let path = TestSupport.write("", name: "shard\(i).csv")
            try ComparisonCSV.write(try g.cells(shard: i, of: 3).map { try ComparisonRunner.run($0, grid: g, jobs: 2) }, to: path)
            merged += try ComparisonCSV.read(path)
        }
        XCTAssertEqual(strip(ComparisonCSV.sorted(merged)), strip(ComparisonCSV.sorted(one)))
        let text = ComparisonCSV.render(one)
        XCTAssertEqual(String(text.split(separator: "\n")[0]), ComparisonRow.columns.joined(separator: ","))
        XCTAssertEqual(ComparisonRow.columns.count, 29)
    }

    /// Dual averaging brings MALA and RWM to their acceptance targets on lau-gmm.
    func testTuningReachesAcceptanceTarget() throws {
        let target = try TestSupport.target("lau-gmm")
        for (name, goal) in [("mala", 0.574), ("rwm", 0.234)] {
            let info = try SamplerCatalog.named(name)
            let tuned = try StepSizeTuning.tune(sampler: info, target: target, parameters: try info.parameters([:]),
                                                start: try XCTUnwrap(info.defaultStepSize),
                                            iterations: 4000, seed: 2)
            let job = try SamplingJob(target: target, sampler: info, stepSize: tuned.stepSize, parameters: [:],
                                      settings: RunSettings(chains: 4, steps: 20_000, warmup: 1000, seed: 2, jobs: 2))
            let acc = try job.run().outcomes.map(\.acceptanceRate).reduce(0, +) / 4
            XCTAssertEqual(acc, goal, accuracy: 0.08, "\(name) h = \(tuned.stepSize)")
        }
        // Unadjusted: the KSD pilot grid picks one of its five steps and spends oracle calls doing so.
        let ula = try SamplerCatalog.named("ula")
        let t = try StepSizeTuning.tune(sampler: ula, target: target, parameters: .empty, start: 0.05, iterations: 2000, seed: 1)
        XCTAssertTrue([0.0125, 0.025, 0.05, 0.1, 0.2].contains { abs($0 - t.stepSize) < 1e-12 })
        XCTAssertGreaterThan(t.counts.gradientEvaluations, 0)
    }

    func testPopulationSamplersGetTheTotalBudget() throws {
        let g = ComparisonGrid(targets: [TestSupport.root.appendingPathComponent("targets/gmm25.toml").path],
                               samplers: [.init(name: "smc"), .init(name: "rdmc", settings: ["inner_samples": "50"])],
                               seeds: [1], budget: 20_000, chains: 4)
        for cell in g.cells {
            let row = try ComparisonRunner.run(cell, grid: g, jobs: 2)
            let evals = try XCTUnwrap(row.values["grad_evals"] ?? nil)
            XCTAssertEqual(evals, 80_000, accuracy: 0.35 * 80_000, cell.sampler.name)
            if cell.sampler.name == "smc" { XCTAssertNotNil(row.values["log_z"] ?? nil) }
        }
    }

    /// `populationRuns` splits the same total over independent runs, whose spread gives the errors.
    func testPopulationRunsShareTheBudget() throws {
        var g = ComparisonGrid(targets: [TestSupport.root.appendingPathComponent("targets/gmm25.toml").path],
                               samplers: [.init(name: "smc")], seeds: [1], budget: 20_000, chains: 4, populationRuns: 2)
        let row = try ComparisonRunner.run(g.cells[0], grid: g, jobs: 2)
        XCTAssertEqual(row.values["chains"] ?? nil, 2)
        XCTAssertEqual(try XCTUnwrap(row.values["grad_evals"] ?? nil), 80_000, accuracy: 0.35 * 80_000)
        XCTAssertNotNil(row.values["log_z_se"] ?? nil)
        g.populationRuns = 0
        XCTAssertThrowsError(try g.validate()) { XCTAssertTrue("\($0)".contains("populationRuns"), "\($0)") }
    }

    /// `warmup` sets Stan's warm-up length of nuts (here longer than the budget allows) and hmc.
    func testWarmupOfTheSamplersWithStansWarmup() throws {
        var g = ComparisonGrid(targets: ["lau-gmm"], samplers: [.init(name: "nuts")], seeds: [1], budget: 3_000, chains: 2, warmup: 2_000)
        XCTAssertThrowsError(try ComparisonRunner.run(g.cells[0], grid: g, jobs: 2)) {
            XCTAssertTrue("\($0)".contains("after its 2000 warm-up iterations"), "\($0)")
        }
        g.warmup = 200
        let row = try ComparisonRunner.run(g.cells[0], grid: g, jobs: 2)
        XCTAssertGreaterThan(try XCTUnwrap(row.values["steps"] ?? nil), 10)
        g.warmup = -1
        XCTAssertThrowsError(try g.validate())
    }

    /// `steps`: NUTS runs Stan's way (warm-up, then that many draws) whatever the budget; variants
    /// of one sampler are told apart by their settings in the row's name; the rows count warm-up's
    /// gradients and the kept divergent transitions.
    func testFixedDrawsAndVariantsOfNUTS() throws {
        let g = ComparisonGrid(targets: ["funnel"], samplers: [.init(name: "nuts"),
                                                              .init(name: "nuts", settings: ["metric": "fisher-lowrank", "adaptation": "nutpie"])],
                               seeds: [1], budget: 100, chains: 2, warmup: 200, steps: 300)
        try g.validate()
        let rows = try g.cells.map { try ComparisonRunner.run($0, grid: g, jobs: 2) }
        XCTAssertEqual(rows.map(\.sampler), ["nuts", "nuts[adaptation=nutpie metric=fisher-lowrank]"])
        // A row's name reads back as the sampler it ran (compare --samplers takes it).
        XCTAssertEqual(try rows.map { try ComparisonGrid.SamplerEntry(label: $0.sampler) }, g.samplers)
        XCTAssertThrowsError(try ComparisonGrid.SamplerEntry(label: "nuts[metric]")) { XCTAssertTrue("\($0)".contains("key=value"), "\($0)") }
        XCTAssertThrowsError(try ComparisonGrid.SamplerEntry(label: "nuts[metric=diag")) { XCTAssertTrue("\($0)".contains("closing"), "\($0)") }
        for r in rows {
            XCTAssertEqual(r.values["steps"] ?? nil, 300)
            let total = try XCTUnwrap(r.values["grad_evals"] ?? nil), warm = try XCTUnwrap(r.values["warmup_grad_evals"] ?? nil)
            XCTAssertGreaterThan(warm, 200 * 2)          // at least a gradient per warm-up iteration and chain
            XCTAssertGreaterThan(total - warm, 300 * 2)
            XCTAssertNotNil(r.values["divergent_transitions"] ?? nil)   // Neal's funnel: NUTS counts them
        }
        XCTAssertEqual(try ExperimentFile.parse("targets = [\"funnel\"]\nsteps = 1000\n[[samplers]]\nname = \"nuts\"\n", file: "s.toml").steps, 1000)
        XCTAssertThrowsError(try ExperimentFile.parse("targets = [\"funnel\"]\nsteps = 5\n[[samplers]]\nname = \"nuts\"\n", file: "s.toml")) {
            XCTAssertTrue("\($0)".contains("field 'steps'"), "\($0)")
        }
    }

    /// `merge` reads a comparison CSV of an older version (fewer columns: empty cells) and names an
    /// unknown column.
    func testMergeReadsOlderComparisonFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sampo-old-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let old = dir.appendingPathComponent("old.csv").path
        try "target,sampler,seed,step_size,grad_evals,ess_bulk_min\nlau-gmm,mala,1,0.1,4000,812.5\n".write(toFile: old, atomically: true, encoding: .utf8)
        let rows = try ComparisonCSV.read(old)
        XCTAssertEqual(rows.first?.values["ess_bulk_min"] ?? nil, 812.5)
        XCTAssertEqual(rows.first?.cell("warmup_grad_evals"), "")
        try "target,sampler,seed,ess_bulk\nlau-gmm,mala,1,3\n".write(toFile: old, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ComparisonCSV.read(old)) { XCTAssertTrue("\($0)".contains("unknown column 'ess_bulk'"), "\($0)") }
    }

    func testBadExperimentFiles() {
        func message(_ text: String) -> String {
            do { _ = try ExperimentFile.parse(text, file: "exp.toml"); return "" } catch { return error.message }
        }
        let samplers = "\n[[samplers]]\nname = \"mala\"\n"
        XCTAssertTrue(message("seeds = \"1-2\"" + samplers).contains("exp.toml: field 'targets': missing"))
        XCTAssertTrue(message("targets = [\"lau-gmm\"]").contains("field 'samplers': missing"))
        XCTAssertTrue(message("targets = [\"lau-gmm\"]\nseeds = \"x\"" + samplers).contains("field 'seeds'"))
        XCTAssertTrue(message("targets = [\"lau-gmm\"]\nbudget = 10" + samplers).contains("exp.toml: budget: expected at least 100"))
        XCTAssertTrue(message("targets = [\"lau-gmm\"]\n[[samplers]]\nname = \"gibbs\"\n").contains("unknown sampler 'gibbs'"))
        XCTAssertTrue(message("targets = [\"lau-gmm\"]\n[[samplers]]\nname = \"mala\"\nstep_size = -1\n")
            .contains("field 'samplers[1].step_size'"))
        XCTAssertTrue(message("targets = [\"lau-gmm\"]\ntargest = 1" + samplers).contains("field 'targest': unknown field"))
        let ok = try? ExperimentFile.parse("targets = [\"lau-gmm\"]\nseeds = [1, 2]\nbudget = 2000\ntune = true\n[[samplers]]\nname = \"smc\"\nset = { particles = 300, resampling = \"residual\" }\n", file: "ok.toml")
        XCTAssertEqual(ok?.samplers.first?.settings["resampling"], "residual")
        XCTAssertEqual(ok?.seeds, [1, 2]); XCTAssertEqual(ok?.tune, true); XCTAssertEqual(ok?.populationRuns, 1)
        XCTAssertEqual(try? ExperimentFile.parse("targets = [\"lau-gmm\"]\npopulation_runs = 3" + samplers, file: "p.toml").populationRuns, 3)
        XCTAssertTrue(message("targets = [\"lau-gmm\"]\npopulation_runs = 0" + samplers).contains("field 'population_runs': expected at least 1"))
    }
}
