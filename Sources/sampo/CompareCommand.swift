import ArgumentParser
import Foundation
import Sampo
import SampoCore
import SampoDiagnostics
import SampoFiles
import SampoRuns


struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare", abstract: "Run a grid of targets × samplers × seeds and write the comparison CSV.")

    @Option(help: "Comma-separated targets (names or files).") var targets: String?
    @Option(help: "Comma-separated samplers, each with settings as its rows name it, e.g. 'nuts[adaptation=stan metric=diag],mala'.") var samplers: String?
    @Option(help: "Seeds, e.g. 1-5 or 1,4,9 (default: 1).") var seeds: String?
    @Option(parsing: .unconditional, help: "Oracle calls per chain (gradient, or density for gradient-free samplers; default: 10000).") var budget: Int?
    @Option(parsing: .unconditional, help: "Chains per run (Markov samplers; default: 4).") var chains: Int?
    @Flag(help: "Tune step sizes (dual averaging for Metropolis samplers, KSD pilot grid for unadjusted ones).") var tune = false
    @Option(name: .customLong("population-runs"), parsing: .unconditional,
            help: "Independent runs of each population sampler (smc, rdmc), sharing its budget × chains; two or more give between-run standard errors (and ref_max_abs_z).")
    var populationRuns: Int?
    @Option(parsing: .unconditional,
            help: "Warm-up iterations of the samplers with Stan's warm-up (hmc, nuts), e.g. 1000 as Stan (default: a fiftieth of the budget, 150–1000, for nuts; a fifth of the iterations otherwise).")
    var warmup: Int?
    @Option(parsing: .unconditional,
            help: "Draws per chain after warm-up for the samplers whose step cost varies (nuts; hmc with a length), as Stan runs them, instead of spending the budget.")
    var steps: Int?
    @Option(help: "Output CSV (default: comparison.csv).") var out: String = "comparison.csv"
    @Option(parsing: .unconditional, help: "Worker threads; results do not depend on it (timing columns aside).") var jobs: Int?
    @Option(help: "Run only part i of n of the grid, e.g. 2/4; 'auto' takes i and n from a Slurm array task (SLURM_ARRAY_TASK_ID, _MIN, _COUNT).") var shard: String?
    @Flag(help: "Keep the rows --out already holds for cells of this grid (or shard) and run only the others: an interrupted or pre-empted comparison continues.") var resume = false
    @Option(help: "Read the grid from an experiment file (TOML).") var experiment: String?
    @Option(help: "Checkpoint the cell in progress into this folder (cell-K.ckpt) every --checkpoint-every and on SIGINT, SIGTERM or SIGUSR1 (then exit with status 3); a cell whose checkpoint is there continues from it. Removed when the cell is done.")
    var checkpoints: String?
    @Option(name: .customLong("checkpoint-every"), help: "Time between checkpoints of a cell: seconds, or a number with s, m or h (default 5m).",
            transform: CheckpointSession.parseInterval)
    var checkpointEvery: Double = 300
    @Option(help: "Keep each cell's draws and run report in this folder (TARGET/SAMPLER/seed-N/draws.csv and report.json), for sampo report --runs.")
    var runs: String?
    @Flag(help: "Report progress on stderr even when it is not a terminal.") var progress = false
    @Option(help: "A posteriordb posterior_database folder, for posteriordb:NAME targets (default: $SAMPO_POSTERIORDB); their rows get ref_max_abs_z and ref_max_sd_error.")
    var posteriordb: String?

    func run() throws {
        // Targets are loaded by name in the runner, which reads the folder from the environment.
        if let posteriordb { setenv("SAMPO_POSTERIORDB", posteriordb, 1) }
        try reportingErrors {
            try prepareOutputs([("--out", out)])
            var grid: ComparisonGrid
            if let experiment {
                // The grid is the file's: flags that would change it are refused, not ignored.
                let clashing = [("--targets", targets != nil), ("--samplers", samplers != nil), ("--seeds", seeds != nil),
                                ("--budget", budget != nil), ("--chains", chains != nil)].filter(\.1).map(\.0)
                guard clashing.isEmpty else {
                    throw SampoError.usage("\(clashing.joined(separator: ", ")) and --experiment \(experiment): the experiment file sets the grid "
                                           + "(targets, samplers, seeds, budget, chains); change it there, or drop --experiment")
                }
                grid = try ExperimentFile.load(experiment)
            } else {
                guard let targets, let samplers else {
                    throw SampoError.usage("compare: give --targets and --samplers, or --experiment FILE")
                }
                grid = ComparisonGrid(targets: targets.split(separator: ",").map(String.init),
                                      samplers: try samplers.split(separator: ",").map { try .init(label: String($0)) },
                                      seeds: try ComparisonGrid.parseSeeds(seeds ?? "1"), budget: budget ?? 10_000, chains: chains ?? 4, tune: tune)
            }
            if tune { grid.tune = true }
            if let populationRuns { grid.populationRuns = populationRuns }
            if let warmup { grid.warmup = warmup }
            if let steps { grid.steps = steps }
            try grid.validate()
            var cells = grid.cells
            if let runs {
                // Two cells whose names reduce to one folder would overwrite each other's runs.
                var folders: [String: ComparisonGrid.Cell] = [:]
                for cell in cells {
                    let f = RunsFolder.folder(root: runs, target: cell.target, sampler: cell.sampler.label, seed: cell.seed)
                    if let other = folders[f] {
                        throw SampoError.usage("--runs: cells \(other.target) × \(other.sampler.label) and \(cell.target) × \(cell.sampler.label) (seed \(cell.seed)) would share the folder \(f); rename a target file or sampler label")
                    }
                    folders[f] = cell
                }
            }
            if let shard {
                let (i, n) = shard == "auto" ? try ComparisonGrid.slurmShard(environment: ProcessInfo.processInfo.environment)
                    : try ComparisonGrid.parseShard(shard)
                cells = grid.cells(shard: i, of: n)
                if shard == "auto" { note("shard \(i) of \(n) (Slurm array task \(ProcessInfo.processInfo.environment["SLURM_ARRAY_TASK_ID"] ?? "?"))") }
            }
            // Rows of cells finished before, kept in cell order with the new ones.
            var finished: [Int: ComparisonRow] = [:]
            if resume, FileManager.default.fileExists(atPath: out) {
                // Its rows are of this grid only if everything they depend on is the same.
                let written = try ComparisonCSV.metadata(out)["grid"]
                guard written == grid.fingerprint else {
                    throw SampoError.usage("--resume: \(out) was written for another grid (\(written ?? "no grid recorded")), this one is "
                                           + "(\(grid.fingerprint)); keeping its rows would mix the two — give another --out")
                }
                let index = Dictionary(cells.map { ("\($0.target)|\($0.sampler.label)|\($0.seed)", $0.index) }) { a, _ in a }
                for row in try ComparisonCSV.read(out) {
                    guard let k = index["\(row.target)|\(row.sampler)|\(row.seed)"] else {
                        throw SampoError.usage("--resume: \(out) holds a row (\(row.target) × \(row.sampler) × seed \(row.seed)) that is not a cell of this grid\(shard.map { " (shard \($0))" } ?? ""); give another --out")
                    }
                    finished[k] = row
                }
                if !finished.isEmpty { note("--resume: \(finished.count) of \(cells.count) cells already in \(out)") }
            }
            // Every row in cell order: the kept ones and those of this run.
            var done = finished
            func ordered() -> [ComparisonRow] { cells.compactMap { done[$0.index] } }
            let workers = jobs ?? ProcessInfo.processInfo.activeProcessorCount
            guard workers >= 1 else { throw SampoError.usage("--jobs: expected at least 1 worker, found \(workers)") }
            Interruption.finishCurrentWorkFirst = true
            let showProgress = progress || isatty(STDERR_FILENO) == 1
            let start = Date()
            for (k, cell) in cells.enumerated() {
                if Interruption.requested { note("interrupted: kept \(done.count) finished rows (--resume continues)"); break }
                // A signal that came while a cell's outputs were measured (after its sampling): its row is kept; stop here.
                if let sig = Interruption.checkpointSignal {
                    note("stopped by signal \(sig): kept \(done.count) finished rows (--resume continues)")
                    throw ExitCode(128 + sig)
                }
                if done[cell.index] != nil { continue }
                let session = try checkpoints.map { (dir) throws in try cellSession(cell, grid: grid, folder: dir, keepsRuns: runs != nil) }
                let state = try session?.startResumingState()
                var keep: ((CellRun) throws(SampoError) -> Void)?
                if let root = runs {
                    keep = { (run: CellRun) throws(SampoError) -> Void in
                        try RunsFolder.write(run, root: root, target: cell.target, sampler: cell.sampler.label, seed: cell.seed)
                    }
                }
                done[cell.index] = try ComparisonRunner.run(cell, grid: grid, jobs: workers,
                                                            checkpoint: session.map { CellCheckpoint(control: $0.control, resumeState: state) },
                                                            keep: keep)
                try ComparisonCSV.write(ordered(), to: out, metadata: [("grid", grid.fingerprint)])   // finished rows survive an interruption
                try session?.finish()
                if showProgress {
                    let elapsed = Date().timeIntervalSince(start)
                    let eta = elapsed / Double(k + 1) * Double(cells.count - k - 1)
                    FileHandle.standardError.write(Data(String(format: "[%d/%d] %@ %@ seed %llu — %.1f s elapsed, ETA %.1f s\n",
                        k + 1, cells.count, cell.target, cell.sampler.name, cell.seed, elapsed, eta).utf8))
                }
            }
            let all = ordered()
            try ComparisonCSV.write(all, to: out, metadata: [("grid", grid.fingerprint)])
            say("wrote \(all.count) rows to \(out)" + (finished.isEmpty ? "" : " (\(finished.count) kept from before)"))
        }
    }

    /// The checkpoint of a cell: what determines its run (the grid and the cell) and the hash of its
    /// target's file, in `folder`.
    private func cellSession(_ cell: ComparisonGrid.Cell, grid: ComparisonGrid, folder: String, keepsRuns: Bool) throws -> CheckpointSession {
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw SampoError.usage("--checkpoints \(folder): cannot create the folder (\(error.localizedDescription))")
        }
        let file = try? TargetFile.resolve(cell.target)
        let hash = try file.map { (f) throws(SampoError) in try CheckpointFile.hash(ofFile: f) } ?? ""
        let population = (try? SamplerCatalog.named(cell.sampler.name))?.isPopulation ?? false
        return try CheckpointSession(path: folder + "/cell-\(cell.index + 1).ckpt", every: checkpointEvery,
                                     metadata: [("sampo", "checkpoint"), ("grid", grid.fingerprint), ("cell", "\(cell.index + 1)"),
                                                ("target", cell.target), ("sampler", cell.sampler.label), ("seed", "\(cell.seed)"),
                                                // --runs records the transitions' statistics, which the checkpoint then holds.
                                                ("runs", keepsRuns ? "kept" : "not kept")],
                                     targetName: cell.target, targetHash: hash, unit: population ? "stage" : "iteration", total: nil, readRun: nil)
    }
}

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "merge", abstract: "Combine shard comparison CSVs.")

    @Argument(help: "Comparison CSV files.") var files: [String]
    @Option(help: "Output CSV.") var out: String

    func run() throws {
        try reportingErrors {
            try prepareOutputs([("--out", out)])
            guard !files.isEmpty else { throw SampoError.usage("merge: expected at least one CSV file") }
            var rows: [ComparisonRow] = []
            var seen = Set<String>()
            // Rows of several grids may be merged (a budget sweep: their keys hold steps and chains);
            // the merged file records a grid only when every file has the same one.
            var grids = Set<String?>()
            for f in files { grids.insert(try ComparisonCSV.metadata(f)["grid"]) }
            for f in files {
                for r in try ComparisonCSV.read(f) {
                    guard seen.insert(r.key).inserted else {
                        throw SampoError.usage("\(f): run \(r.target) × \(r.sampler) × seed \(r.seed) appears in more than one file")
                    }
                    rows.append(r)
                }
            }
            let common = grids.count == 1 ? grids.first ?? nil : nil
            try ComparisonCSV.write(rows, to: out, metadata: common.map { [("grid", $0)] } ?? [])
            say("merged \(rows.count) rows into \(out)")
        }
    }
}
