import ArgumentParser
import Foundation
import Sampo
import SampoCore
import SampoFiles
import SampoRuns
import SampoStan

/// The command line this process was started with (without the program name); `resume` replaces
/// it with the one a checkpoint recorded.
nonisolated(unsafe) var invocationArguments = Array(CommandLine.arguments.dropFirst())

/// `sample --checkpoint FILE`: a thread beside the run that writes the run's checkpoint every
/// `every` seconds and when SIGINT, SIGTERM or SIGUSR1 arrives (then the process exits with
/// status 3, saying how to resume). The file names the Sampo version, the command line and its
/// directory, every setting that determines the draws, and a hash of the target's files; a later
/// `sample` with the same FILE (or `sampo resume FILE`) continues from it when all of those agree,
/// and refuses otherwise. It is removed once the run's outputs are written.
final class CheckpointSession: @unchecked Sendable {
    static let exitStatus: Int32 = 3
    let path: String
    let every: Double
    let header: CheckpointFile.Header
    /// What a chain's position counts ("iteration", "stage") and of how many (nil: not known ahead).
    private let unit: String, total: Int?
    private let metadataOrder: [String]
    private let readRun: ((inout CheckpointReader) throws(SampoError) -> RunCheckpoint)?
    let control = CheckpointControl()
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var stopping = false

    /// `metadata`: every setting that determines the draws, in the order messages name them;
    /// `readRun` reads the run's state record back (checked against the run's shape).
    convenience init(path: String, every: Double, metadata: [(String, String)], target: NamedTarget, extraSettings: [String: String] = [:],
                     unit: String, total: Int?, readRun: @escaping (inout CheckpointReader) throws(SampoError) -> RunCheckpoint) throws(SampoError) {
        try self.init(path: path, every: every, metadata: metadata, targetName: target.name, targetHash: try Self.hash(of: target),
                      extraSettings: extraSettings, unit: unit, total: total, readRun: readRun)
    }

    /// The same for a target known by name and the hash of its files (a comparison cell's, whose
    /// job reads the state itself: `readRun` nil).
    init(path: String, every: Double, metadata: [(String, String)], targetName: String, targetHash: String, extraSettings: [String: String] = [:],
         unit: String, total: Int?, readRun: ((inout CheckpointReader) throws(SampoError) -> RunCheckpoint)?) throws(SampoError) {
        self.path = path; self.every = every; self.unit = unit; self.total = total; self.readRun = readRun
        metadataOrder = metadata.map(\.0)
        var settings = Dictionary(metadata, uniquingKeysWith: { _, last in last })
        settings.merge(extraSettings) { _, new in new }
        let arguments: String
        do { arguments = String(decoding: try JSONEncoder().encode(invocationArguments), as: UTF8.self) } catch {
            throw .runtime("checkpoint: cannot record the command line (\(error))")
        }
        settings["arguments"] = arguments
        settings["directory"] = FileManager.default.currentDirectoryPath
        header = .init(command: invocationArguments.first ?? "sample", settings: settings, target: targetName, targetHash: targetHash)
    }

    /// Settings that may differ between a run and its resumption: they do not change the draws.
    private static let free: Set<String> = ["arguments", "directory"]

    /// The hashes of the target's files: its own file, and for a Stan program its data and compiled
    /// model (a rebuilt model with another toolchain would step differently).
    static func hash(of target: NamedTarget) throws(SampoError) -> String {
        var files = [target.path]
        if let model = target.density as? StanModel { files += [model.dataFile, model.libraryPath].compactMap { $0 } }
        var parts: [String] = []
        for file in files where FileManager.default.isReadableFile(atPath: file) {
            parts.append(try CheckpointFile.hash(ofFile: file))
        }
        return parts.joined(separator: " ")
    }

    /// The state record FILE holds, when it exists; refused (exit 2) when it is of another run,
    /// command, version or target, or cannot be read whole.
    func existingState() throws(SampoError) -> [UInt8]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let (stored, state) = try CheckpointFile.read(path)
        guard stored.command == header.command else {
            throw .badFile(path: path, "a checkpoint of `sampo \(stored.command)`, not of `sampo \(header.command)`")
        }
        // In the order of the run's metadata (target, sampler, step size, seed, …), then the rest.
        let order = metadataOrder
        let keys = Set(stored.settings.keys).union(header.settings.keys).subtracting(Self.free)
            .sorted { (order.firstIndex(of: $0) ?? .max, $0) < (order.firstIndex(of: $1) ?? .max, $1) }
        let differing = keys.filter { stored.settings[$0] != header.settings[$0] }
        guard differing.isEmpty else {
            let shown = differing.prefix(4).map { "\($0) \(stored.settings[$0] ?? "none") there, \(header.settings[$0] ?? "none") now" }
            throw .badFile(path: path, "a checkpoint of another run (\(shown.joined(separator: "; "))\(differing.count > 4 ? "; …" : "")): "
                           + "give another checkpoint file, or remove this one to start again")
        }
        try CheckpointFile.checkTarget(stored, currentHash: header.targetHash, path: path)
        return state
    }

    /// The run FILE holds, read (refused as `existingState` refuses, or when its state cannot be read).
    func existing() throws(SampoError) -> RunCheckpoint? {
        guard let state = try existingState() else { return nil }
        guard let readRun else { return nil }
        var r = CheckpointReader(state)
        do throws(SampoError) {
            let run = try readRun(&r)
            guard r.isAtEnd else { throw .runtime("checkpoint: bytes left after the run's state") }
            return run
        } catch {
            throw .badFile(path: path, "the checkpoint's state cannot be read: \(error.description)")
        }
    }

    /// The run to continue (nil: none), said on stderr, and the checkpoint thread started.
    func startResuming() throws(SampoError) -> RunCheckpoint? {
        let resumed = try existing()
        if let resumed { note("resuming from the checkpoint \(path) (at \(describe(resumed)))") }
        start()
        return resumed
    }

    /// The state record to continue (nil: none), said on stderr, and the checkpoint thread started.
    func startResumingState() throws(SampoError) -> [UInt8]? {
        let state = try existingState()
        if state != nil { note("resuming from the checkpoint \(path)") }
        start()
        return state
    }

    /// Starts the thread that writes checkpoints and answers signals.
    func start() {
        Interruption.checkpointOnSignal = true
        let thread = Thread { [self] in loop() }
        thread.name = "sampo checkpoints"
        thread.start()
    }

    /// Stops the thread (waiting for a checkpoint being written) and removes the file: the run's
    /// outputs are written, so nothing is left to resume.
    func finish() throws(SampoError) {
        lock.lock(); stopping = true; lock.unlock()
        done.wait()
        Interruption.checkpointOnSignal = false
        do { try FileManager.default.removeItem(atPath: path) } catch CocoaError.fileNoSuchFile {
        } catch {
            throw .runtime("--checkpoint \(path): the run is complete, but the checkpoint cannot be removed (\(error.localizedDescription))")
        }
    }

    private var isStopping: Bool { lock.lock(); defer { lock.unlock() }; return stopping }

    private func loop() {
        var last = Date(), signalAfterSampling = false
        while !isStopping {
            if let sig = Interruption.checkpointSignal, !signalAfterSampling {
                switch write() {
                case .written(let run):
                    TemporaryFiles.removeAll()
                    FileHandle.standardError.write(Data(("sampo: signal \(sig): checkpointed at \(describe(run)) "
                        + "to \(path); resume with: sampo resume \(path)\n").utf8))
                    _exit(Self.exitStatus)
                case .notRunning where control.hasEnded:
                    // The draws are all there: writing them out is quicker than resuming would be.
                    note("signal \(sig) after sampling ended: writing the outputs first (a second signal stops at once)")
                    signalAfterSampling = true
                case .notRunning: interrupted(sig)
                case .failed(let message):
                    FileHandle.standardError.write(Data("sampo: error: signal \(sig): the checkpoint could not be written: \(message)\n".utf8))
                    TemporaryFiles.removeAll()
                    _exit(1)
                }
            }
            if Date().timeIntervalSince(last) >= every {
                if case .failed(let message) = write() { note("warning: --checkpoint \(path) not written: \(message); the run goes on") }
                last = Date()
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        done.signal()
    }

    /// Where the chains (or runs) of a checkpoint stand, e.g. "iteration 812–1034 of 2000 (warm-up included)".
    func describe(_ run: RunCheckpoint) -> String {
        let at = run.chains.map { $0?.iteration ?? 0 }
        let range = at.min() == at.max() ? "\(at.min() ?? 0)" : "\(at.min() ?? 0)–\(at.max() ?? 0)"
        return "\(unit) \(range)" + (total.map { " of \($0)" + (unit == "iteration" ? " (warm-up included)" : "") } ?? "")
    }

    /// A signal before sampling began: the checkpoint resumed from, if any, stays as it is.
    private func interrupted(_ sig: Int32) -> Never {
        TemporaryFiles.removeAll()
        let kept = FileManager.default.fileExists(atPath: path) ? "; the checkpoint \(path) is kept: resume with: sampo resume \(path)" : ""
        FileHandle.standardError.write(Data("sampo: interrupted before sampling began\(kept)\n".utf8))
        _exit(128 + sig)
    }

    private enum Outcome { case written(RunCheckpoint), notRunning, failed(String) }

    private func write() -> Outcome {
        guard let run = control.checkpoint(after: control.request()) else { return .notRunning }
        var w = CheckpointWriter()
        run.write(to: &w)
        do throws(SampoError) {
            try CheckpointFile.write(header: header, state: w.bytes, to: path)
        } catch {
            return .failed(error.description)
        }
        return .written(run)
    }

    /// `--checkpoint-every`: seconds, or a number with s, m or h.
    static func parseInterval(_ text: String) throws -> Double {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        var number = Substring(text), scale = 1.0
        if let last = text.last, let unit = units[last] { number = text.dropLast(); scale = unit }
        guard let value = Double(number), value.isFinite, value > 0 else {
            throw ValidationError("--checkpoint-every: expected a positive duration such as 300, 90s, 5m or 1h, found '\(text.prefix(40))'")
        }
        return value * scale
    }
}
