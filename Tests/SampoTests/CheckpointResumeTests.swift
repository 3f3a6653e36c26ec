import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// `sample --checkpoint` and `sampo resume` end to end (issue 29 §1, §4): each sampler family is
/// stopped at pseudo-random moments by SIGTERM (a checkpoint written on the signal, exit 3) or
/// SIGKILL (the last periodic checkpoint used), resumed each time, and must write the same bytes —
/// draws, summary, moments, report less its timings — as the run never stopped. A checkpoint that is
/// corrupt, truncated, of another run or of a changed target is refused with exit 2.
final class CheckpointResumeTests: XCTestCase {
    private var folder: String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sampo-checkpoint-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(atPath: FileManager.default.temporaryDirectory.appendingPathComponent("sampo-checkpoint-\(getpid())").path)
        super.tearDown()
    }

    private let outputs = ["--draws", "{out}/draws.csv", "--summary", "{out}/summary.csv", "--report", "{out}/report.json"]

    /// Runs of 0.6–1 s here, so that stops fall in warm-up and in sampling.
    private var families: [(String, [String])] {
        [("mala", ["--target", "lau-gmm", "--sampler", "mala", "--steps", "800000", "--thin", "50", "--chains", "3", "--jobs", "2"] + outputs),
         ("nuts mid-warm-up", ["--target", "gaussian-illcond", "--sampler", "nuts", "--steps", "2000", "--warmup", "10000", "--chains", "2",
                               "--sampler-stats"] + outputs),
         ("pt", ["--target", "lau-gmm", "--sampler", "pt", "--steps", "15000", "--warmup", "8000", "--chains", "2"] + outputs),
         ("baoab", ["--target", "gmm25", "--sampler", "baoab", "--steps", "500000", "--thin", "30", "--chains", "2"] + outputs),
         ("mymala", ["--target", "lau-gmm-l1prior", "--sampler", "mymala", "--steps", "900000", "--thin", "30", "--chains", "2"] + outputs),
         ("moments", ["--target", "lau-gmm", "--sampler", "mala", "--steps", "2500000", "--chains", "2", "--moments", "{out}/moments.csv"]),
         ("smc", ["--target", "gaussian-illcond", "--sampler", "smc", "--set", "particles=400", "--chains", "2"] + outputs),
         ("rdmc", ["--target", "lau-gmm", "--sampler", "rdmc", "--set", "particles=400", "--chains", "2"] + outputs)]
    }

    private func check(_ label: String, _ r: InterruptedRuns.Result, stoppedWith status: Int32, file: StaticString = #filePath, line: UInt = #line) {
        let log = r.errors.joined(separator: "\n---\n")
        XCTAssertEqual(r.statuses.last, 0, "\(label): \(r.statuses)\n\(log)", file: file, line: line)
        XCTAssertTrue(r.statuses.contains(status), "\(label): never stopped mid-run: \(r.statuses)\n\(log)", file: file, line: line)
        XCTAssertGreaterThan(r.resumes, 0, "\(label): never resumed\n\(log)", file: file, line: line)
        XCTAssertEqual(r.differing, [], "\(label): outputs differ from the uninterrupted run's\n\(log)", file: file, line: line)
        XCTAssertEqual(r.missing, [], label, file: file, line: line)
        XCTAssertFalse(r.checkpointLeft, "\(label): the checkpoint is removed once the outputs are written", file: file, line: line)
    }

    func testSIGTERMCheckpointsAndResumeIsByteIdentical() throws {
        let exe = try TestSupport.sampoExecutable()
        for (k, (label, args)) in families.enumerated() {
            let r = try InterruptedRuns.run(exe, ["sample", "--seed", "5"] + args, folder: folder + "/term-\(k)", signal: SIGTERM,
                                            delays: 0.15...0.6, seed: UInt64(k + 1))
            check("\(label) (SIGTERM)", r, stoppedWith: 3)
            XCTAssertTrue(r.errors.contains { $0.contains("checkpointed at \(label == "smc" || label == "rdmc" ? "stage" : "iteration")") && $0.contains("sampo resume") }, label)
        }
    }

    /// After SIGKILL nothing is written on the way out: the run continues from the last periodic checkpoint.
    func testSIGKILLResumesFromTheLastPeriodicCheckpoint() throws {
        let exe = try TestSupport.sampoExecutable()
        for (k, (label, args)) in families.enumerated() where ["nuts mid-warm-up", "moments", "smc"].contains(label) {
            let r = try InterruptedRuns.run(exe, ["sample", "--seed", "6"] + args, folder: folder + "/kill-\(k)", signal: SIGKILL,
                                            delays: 0.35...0.8, seed: UInt64(k + 11), checkpointEvery: "0.1s")
            check("\(label) (SIGKILL)", r, stoppedWith: 128 + SIGKILL)
        }
    }

    /// With `stopWhenExists`: SIGTERM as soon as that file appears (a periodic checkpoint: the run is
    /// sampling), or never if the run ends first.
    private func sampo(_ args: [String], stopAfter: Double? = nil, stopWhenExists file: String? = nil) throws -> (status: Int32, err: String) {
        let p = Process()
        p.executableURL = try TestSupport.sampoExecutable()
        p.arguments = args
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        if let stopAfter { usleep(UInt32(stopAfter * 1e6)); kill(p.processIdentifier, SIGTERM) }
        if let file {
            while p.isRunning && !FileManager.default.fileExists(atPath: file) { usleep(2_000) }
            if p.isRunning { kill(p.processIdentifier, SIGTERM) }
        }
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: e, as: UTF8.self))
    }

    /// What a checkpoint refuses, each with exit 2 and a message that says why.
    func testBadCheckpointsAreRefused() throws {
        let dir = folder + "/refused"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let target = dir + "/t.toml", checkpoint = dir + "/run.ckpt"
        try FileManager.default.copyItem(atPath: TestSupport.root.appendingPathComponent("targets/lau-gmm.toml").path, toPath: target)
        let command = ["sample", "--target", target, "--sampler", "mala", "--steps", "20000000", "--chains", "2", "--moments", dir + "/m.csv",
                       "--checkpoint", checkpoint]
        let stopped = try sampo(command, stopAfter: 0.5)
        XCTAssertEqual(stopped.status, 3, stopped.err)
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: checkpoint))

        func refused(_ args: [String], _ expected: String, _ label: String) throws {
            let r = try sampo(args)
            XCTAssertEqual(r.status, 2, "\(label): \(r.err)")
            XCTAssertTrue(r.err.contains(expected), "\(label): \(r.err)")
        }
        try refused(command.map { $0 == "mala" ? "rwm" : $0 }, "a checkpoint of another run (sampler mala there, rwm now", "another sampler")
        try refused(command + ["--seed", "2"], "seed 1 there, 2 now", "another seed")
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x10
        try flipped.write(to: URL(fileURLWithPath: dir + "/flipped.ckpt"))
        try refused(["resume", dir + "/flipped.ckpt"], "checksum does not match", "a flipped byte")
        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: dir + "/short.ckpt"))
        try refused(["resume", dir + "/short.ckpt"], "truncated or corrupt", "truncated")
        try refused(["resume", target], "not a Sampo checkpoint", "not a checkpoint")
        let (header, state) = try CheckpointFile.decode(Array(bytes), path: checkpoint)
        var old = header
        old.sampoVersion = "0.1.0"
        try Data(try CheckpointFile.encode(header: old, state: state)).write(to: URL(fileURLWithPath: dir + "/old.ckpt"))
        try refused(["resume", dir + "/old.ckpt"], "written by Sampo 0.1.0", "another version")
        try (try String(contentsOfFile: target, encoding: .utf8) + "\n# edited\n").write(toFile: target, atomically: true, encoding: .utf8)
        try refused(["resume", checkpoint], "the target 'lau-gmm' changed since the checkpoint was taken", "an edited target")
        XCTAssertEqual(FileManager.default.contents(atPath: checkpoint), bytes, "a refused resume leaves the checkpoint as it was")
    }

    /// `compare --checkpoints DIR`: a cell stopped mid-run by SIGTERM writes its checkpoint and the
    /// comparison exits 3; `--resume` keeps the finished rows and continues the cell from its
    /// checkpoint, to the rows of the comparison never stopped (timing columns aside).
    func testACompareCellInProgressResumesFromItsCheckpoint() throws {
        let dir = folder + "/compare"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let grid = ["compare", "--targets", "lau-gmm", "--samplers", "nuts,smc", "--seeds", "1", "--budget", "200000", "--chains", "2"]
        XCTAssertEqual(try sampo(grid + ["--out", dir + "/plain.csv"]).status, 0)
        let command = grid + ["--out", dir + "/stopped.csv", "--checkpoints", dir + "/cells", "--resume"]
        var statuses: [Int32] = [], log: [String] = [], sawCheckpoint = false
        var generator = Mutator(state: 77)
        // The first stop comes when the first cell's first periodic checkpoint appears, so that it lands
        // mid-cell on a machine of any speed (a fixed delay can fall between cells, or after the grid);
        // the later ones at pseudo-random delays.
        let first = try sampo(command + ["--checkpoint-every", "0.05"], stopWhenExists: dir + "/cells/cell-1.ckpt")
        statuses.append(first.status); log.append(first.err)
        if first.status == 3 { sawCheckpoint = FileManager.default.fileExists(atPath: dir + "/cells/cell-1.ckpt") }
        for _ in 0..<6 where statuses.last != 0 {
            let r = try sampo(command, stopAfter: 0.1 + 0.25 * Double(generator.next() >> 11) / Double(1 << 53))
            statuses.append(r.status); log.append(r.err)
            if r.status == 3 {
                sawCheckpoint = sawCheckpoint || ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/cells")) ?? []).contains { $0.hasSuffix(".ckpt") }
            }
            if r.status == 0 { break }
        }
        let last = try sampo(command)
        XCTAssertEqual(last.status, 0, last.err)
        XCTAssertTrue(statuses.contains(3) && sawCheckpoint, "no cell was checkpointed mid-run: \(statuses)\n\(log.joined(separator: "\n---\n"))")
        func rows(_ path: String) throws -> [[String: String]] {
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
            let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return lines.dropFirst().map { line in
                var row: [String: String] = [:]
                for (k, v) in zip(header, line.split(separator: ",", omittingEmptySubsequences: false)) where k != "wall_seconds" && k != "ess_per_second" { row[k] = String(v) }
                return row
            }
        }
        XCTAssertEqual(try rows(dir + "/stopped.csv"), try rows(dir + "/plain.csv"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/cells"), [], "a finished cell's checkpoint is removed")
    }
}
