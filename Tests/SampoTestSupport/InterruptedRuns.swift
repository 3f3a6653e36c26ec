import Foundation
import XCTest

/// A `sampo sample` run stopped by signals at pseudo-random moments and resumed each time, against
/// the same run never stopped (issue 29 §4). Arguments name their outputs under `{out}`; the
/// uninterrupted run writes into one folder, the interrupted one into another, with
/// `--checkpoint {out}/run.ckpt`. After a stop, `sampo resume` continues from the checkpoint when
/// there is one (after SIGKILL: the last periodic one), else the command starts again.
package enum InterruptedRuns {
    package struct Result {
        /// The exit status of every launch, the last one 0 (a signal's death is 128 + its number).
        package var statuses: [Int32] = []
        /// Launches that continued from a checkpoint.
        package var resumes = 0
        /// Outputs whose bytes differ (reports compared without their timing and memory lines).
        package var differing: [String] = []
        package var missing: [String] = []
        /// Standard error of every launch, for failure messages.
        package var errors: [String] = []
        /// Whether the checkpoint file was left behind after the run completed.
        package var checkpointLeft = false
    }

    /// Runs `arguments` plainly, then interrupted by `signal` after delays drawn uniformly from
    /// `delays` (seconds; `seed` fixes them) until a launch completes or `maxStops` stops were made.
    package static func run(_ executable: URL, _ arguments: [String], folder: String, signal: Int32,
                            delays: ClosedRange<Double>, maxStops: Int = 3, seed: UInt64,
                            checkpointEvery: String = "1h", environment: [String: String] = [:]) throws -> Result {
        let plain = folder + "/plain", stopped = folder + "/stopped"
        for dir in [plain, stopped] {
            try? FileManager.default.removeItem(atPath: dir)
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        func expand(_ args: [String], _ out: String) -> [String] { args.map { $0.replacingOccurrences(of: "{out}", with: out) } }
        var result = Result()
        let first = try launch(executable, expand(arguments, plain), environment: environment, stopAfter: nil, signal: signal)
        guard first.status == 0 else { result.statuses = [first.status]; result.errors = [first.err]; return result }

        let checkpoint = stopped + "/run.ckpt"
        let command = expand(arguments, stopped) + ["--checkpoint", checkpoint, "--checkpoint-every", checkpointEvery]
        var generator = Mutator(state: seed)
        while true {
            let resuming = FileManager.default.fileExists(atPath: checkpoint)
            if resuming { result.resumes += 1 }
            let stops = result.statuses.count < maxStops
            let delay = delays.lowerBound + (delays.upperBound - delays.lowerBound) * Double(generator.next() >> 11) / Double(1 << 53)
            let r = try launch(executable, resuming ? ["resume", checkpoint] : command, environment: environment,
                               stopAfter: stops ? delay : nil, signal: signal)
            result.statuses.append(r.status)
            result.errors.append(r.err)
            if r.status == 0 || !stops && r.status != 0 { break }
        }
        result.checkpointLeft = FileManager.default.fileExists(atPath: checkpoint)
        for name in try FileManager.default.contentsOfDirectory(atPath: plain).sorted() {
            guard let a = FileManager.default.contents(atPath: plain + "/" + name) else { continue }
            guard let b = FileManager.default.contents(atPath: stopped + "/" + name) else { result.missing.append(name); continue }
            if name.hasSuffix(".json") ? withoutTimings(a) != withoutTimings(b) : a != b { result.differing.append(name) }
        }
        return result
    }

    /// A report's lines other than timings and peak memory, which no two runs share.
    private static func withoutTimings(_ data: Data) -> [Substring] {
        String(decoding: data, as: UTF8.self).split(separator: "\n").filter { !$0.contains("seconds") && !$0.contains("peak_memory") }
    }

    private static func launch(_ executable: URL, _ args: [String], environment: [String: String], stopAfter: Double?,
                               signal: Int32) throws -> (status: Int32, err: String) {
        let p = Process()
        p.executableURL = executable
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("sampo-interrupted-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).err")
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errFile) }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = try FileHandle(forWritingTo: errFile)
        try p.run()
        if let stopAfter {
            let deadline = Date().addingTimeInterval(stopAfter)
            while p.isRunning && Date() < deadline { usleep(5_000) }
            if p.isRunning { kill(p.processIdentifier, signal) }
        }
        p.waitUntilExit()
        let status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
        return (status, (try? String(contentsOf: errFile, encoding: .utf8)) ?? "")
    }
}
