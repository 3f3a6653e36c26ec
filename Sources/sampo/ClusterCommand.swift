import ArgumentParser
import Foundation
import Sampo
import SampoCore
import SampoFiles
import SampoRuns

/// `sampo cluster`: a comparison grid as a Slurm job array (one shard per task) and a merge job
/// that runs when the array has succeeded.
struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster", abstract: "Run an experiment as a Slurm job array, and follow it.",
        subcommands: [ClusterSubmitCommand.self, ClusterStatusCommand.self])
}

struct ClusterSubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Write an sbatch array script (one compare shard per task) and a merge job after it, and submit both.")

    @Argument(help: "The experiment file (TOML) whose grid is run.") var experiment: String
    @Option(parsing: .unconditional, help: "Array tasks: the grid is split into this many shards.") var tasks: Int
    @Option(help: "Slurm partition (default: the cluster's).") var partition: String?
    @Option(help: "Time limit per task, HH:MM:SS or D-HH:MM:SS (default: the partition's).") var time: String?
    @Option(parsing: .unconditional, help: "CPUs per task (compare's --jobs).") var cpus: Int = 1
    @Option(help: "Folder for the scripts, shards, logs and the merged comparison.csv (default: EXPERIMENT-cluster).") var out: String?
    @Flag(name: .customLong("dry-run"), help: "Write the scripts and print them; submit nothing.") var dryRun = false

    func run() throws {
        try reportingErrors {
            guard tasks >= 1 else { throw SampoError.usage("--tasks: expected a whole number ≥ 1, found \(tasks)") }
            guard cpus >= 1 else { throw SampoError.usage("--cpus: expected a whole number ≥ 1, found \(cpus)") }
            if let time, time.range(of: #"^([0-9]+-)?[0-9]{1,2}:[0-9]{2}:[0-9]{2}$"#, options: .regularExpression) == nil {
                throw SampoError.usage("--time: expected HH:MM:SS or D-HH:MM:SS, found '\(time.prefix(40))'")
            }
            if let partition, partition.isEmpty || partition.contains(where: { $0.isWhitespace || $0 == "'" }) {
                throw SampoError.usage("--partition: expected a partition name, found '\(partition.prefix(40))'")
            }
            let experimentPath = URL(fileURLWithPath: experiment).standardizedFileURL.path
            let grid = try ExperimentFile.load(experimentPath)
            try grid.validate()
            let cells = grid.cells.count
            guard tasks <= cells else {
                throw SampoError.usage("--tasks: \(tasks) tasks for a grid of \(cells) cells would leave tasks without work; give at most \(cells)")
            }
            let stem = URL(fileURLWithPath: experimentPath).deletingPathExtension().lastPathComponent
            let dir = URL(fileURLWithPath: out ?? "\(stem)-cluster").standardizedFileURL.path
            var submission = ClusterSubmission(experiment: experimentPath, tasks: tasks, cells: cells,
                                               experimentHash: try CheckpointFile.hash(ofFile: experimentPath))
            if let before = try ClusterSubmission.read(dir) {
                guard before.experiment == experimentPath, before.tasks == tasks else {
                    throw SampoError.usage("--out: \(dir) holds a submission of \(before.experiment) in \(before.tasks) tasks; "
                                           + "resubmit that, or give another --out")
                }
                guard before.experimentHash == submission.experimentHash else {
                    throw SampoError.usage("--out: \(experimentPath) changed since it was submitted to \(dir); its finished shards are of "
                                           + "the old grid — give another --out")
                }
            }
            let sbatch = dryRun ? nil : try ExternalProgram.inPath("sbatch")
            for sub in ["", "/shards", "/logs"] {
                do { try FileManager.default.createDirectory(atPath: dir + sub, withIntermediateDirectories: true) } catch {
                    throw SampoError.runtime("--out: cannot create \(dir + sub): \(error.localizedDescription)")
                }
            }
            let scripts = SlurmScripts(sampo: try ExternalProgram.sampoExecutable(), submission: submission, dir: dir, name: stem,
                                       partition: partition, time: time, cpus: cpus)
            try AtomicFile.write(scripts.array, to: dir + "/array.sbatch")
            try AtomicFile.write(scripts.merge, to: dir + "/merge.sbatch")
            let done = (1...tasks).filter { FileManager.default.fileExists(atPath: submission.shardFile($0, dir)) }.count
            guard let sbatch else {
                try submission.write(dir)
                say(scripts.array)
                say(scripts.merge)
                say("wrote \(dir)/array.sbatch and \(dir)/merge.sbatch (dry run: nothing submitted; \(done) of \(tasks) shards done)")
                return
            }
            let arrayJob = try submit(sbatch, [dir + "/array.sbatch"])
            let mergeJob = try submit(sbatch, ["--dependency=afterok:\(arrayJob)", dir + "/merge.sbatch"])
            submission.arrayJob = arrayJob
            submission.mergeJob = mergeJob
            try submission.write(dir)
            say("submitted array job \(arrayJob) (\(tasks) tasks, \(cells) cells; \(done) shards done before) "
                + "and merge job \(mergeJob), which runs when every task has succeeded")
            say("follow it with: sampo cluster status \(dir)")
        }
    }

    /// Runs sbatch --parsable and returns the job id it prints.
    private func submit(_ sbatch: String, _ arguments: [String]) throws -> String {
        let (status, out, err) = try ExternalProgram.run(sbatch, ["--parsable"] + arguments)
        let id = out.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        guard status == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw SampoError.runtime("sbatch \(arguments.joined(separator: " ")) failed (status \(status)): \(err.isEmpty ? out : err)")
        }
        return id
    }
}

struct ClusterStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Shards done, running, pending and failed, and cells done, of a submission folder.")

    @Argument(help: "The folder `cluster submit` wrote (its --out).") var dir: String

    func run() throws {
        try reportingErrors {
            guard let s = try ClusterSubmission.read(dir) else {
                throw SampoError.usage("\(dir): no cluster.json here (not a folder written by `sampo cluster submit`)")
            }
            // Slurm's view of the array's tasks, when squeue is here and the array was submitted.
            var states: [Int: String] = [:]
            var slurmNote = ""
            if let job = s.arrayJob {
                if let squeue = try? ExternalProgram.inPath("squeue") {
                    let (status, out, _) = try ExternalProgram.run(squeue, ["-h", "-r", "-j", job, "-o", "%K %T"])
                    if status == 0 {
                        for line in out.split(separator: "\n") {
                            let parts = line.split(separator: " ")
                            if parts.count == 2, let task = Int(parts[0]) { states[task] = String(parts[1]) }
                        }
                    }
                } else {
                    slurmNote = " (squeue not found: running and pending are not known)"
                }
            }
            var done = 0, running = 0, pending = 0, failed: [(Int, String)] = [], waiting = 0, cellsDone = 0
            for i in 1...max(s.tasks, 1) {
                if let rows = try? ComparisonCSV.read(s.shardFile(i, dir)) { done += 1; cellsDone += rows.count; continue }
                if let rows = try? ComparisonCSV.read(s.partialFile(i, dir)) { cellsDone += rows.count }
                switch states[i] {
                case "RUNNING", "COMPLETING": running += 1
                case "PENDING", "REQUEUED", "CONFIGURING": pending += 1
                default:
                    if let why = try? String(contentsOfFile: s.failedFile(i, dir), encoding: .utf8) {
                        failed.append((i, why.trimmingCharacters(in: .whitespacesAndNewlines)))
                    } else {
                        waiting += 1
                    }
                }
            }
            say("\(s.experiment): \(s.cells) cells in \(s.tasks) shards" + (s.arrayJob.map { ", array job \($0)" } ?? ", not submitted"))
            say("  shards   \(done) done, \(running) running, \(pending) pending, \(failed.count) failed, \(waiting) not started or stopped" + slurmNote)
            say("  cells    \(cellsDone) of \(s.cells) done")
            for (i, why) in failed { say("  failed   shard \(i) (\(why)); its log: \(dir)/\(ClusterSubmission.logName("\(i)"))") }
            let merged = dir + "/comparison.csv"
            if let rows = try? ComparisonCSV.read(merged) { say("  merged   \(rows.count) rows in \(merged)") }
        }
    }
}
