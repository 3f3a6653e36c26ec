import Dispatch
import Foundation
import SampoFiles

/// SIGINT and SIGTERM remove the temporary files being written (a 100 MB `.tmp` must not be
/// left beside its destination) and exit with 128 + the signal number. A command that can stop
/// cleanly between units of work (`compare` keeps its finished rows) sets
/// `finishCurrentWorkFirst`: the first Ctrl-C then only sets `requested`. A run that writes
/// checkpoints sets `checkpointOnSignal`: SIGINT, SIGTERM and SIGUSR1 then only record the signal
/// (`checkpointSignal`), and the run's checkpoint thread writes the checkpoint and exits. Either
/// way the default action is restored first, so a second signal stops the process at once.
enum Interruption {
    nonisolated(unsafe) static var finishCurrentWorkFirst = false
    nonisolated(unsafe) static var checkpointOnSignal = false
    private static let flag = Flag()
    private static let checkpointFlag = Flag()
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Whether a graceful stop was asked for.
    static var requested: Bool { flag.isSet }
    /// The signal that asked for a checkpoint, if one did.
    static var checkpointSignal: Int32? { checkpointFlag.signal }

    static func install() {
        for sig in [SIGINT, SIGTERM, SIGUSR1] {
            signal(sig, SIG_IGN)   // delivered to the dispatch source instead of killing the process
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                signal(sig, SIG_DFL)
                if checkpointOnSignal {
                    checkpointFlag.set(sig)
                    return
                }
                if sig == SIGINT && finishCurrentWorkFirst {
                    flag.set(sig)
                    return
                }
                TemporaryFiles.removeAll()
                if sig == SIGUSR1 { _exit(128 + sig) }   // its default action, after the clean-up
                FileHandle.standardError.write(Data("sampo: interrupted; temporary files removed\n".utf8))
                _exit(128 + sig)
            }
            source.resume()
            sources.append(source)
        }
    }

    private final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Int32?
        var isSet: Bool { signal != nil }
        var signal: Int32? { lock.lock(); defer { lock.unlock() }; return value }
        func set(_ sig: Int32) { lock.lock(); if value == nil { value = sig }; lock.unlock() }
    }
}
