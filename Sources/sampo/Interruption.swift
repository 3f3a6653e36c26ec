import Dispatch
import Foundation
import SampoFiles

/// SIGINT and SIGTERM remove the temporary files being written (a 100 MB `.tmp` must not be
/// left beside its destination) and exit with 128 + the signal number. A command that can stop
/// cleanly between units of work (`compare` keeps its finished rows) sets
/// `finishCurrentWorkFirst`: the first Ctrl-C then only sets `requested`. Either way the default
/// action is restored first, so a second Ctrl-C stops the process at once.
enum Interruption {
    nonisolated(unsafe) static var finishCurrentWorkFirst = false
    private static let flag = Flag()
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Whether a graceful stop was asked for.
    static var requested: Bool { flag.isSet }

    static func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)   // delivered to the dispatch source instead of killing the process
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                signal(sig, SIG_DFL)
                if sig == SIGINT && finishCurrentWorkFirst {
                    flag.set()
                    return
                }
                TemporaryFiles.removeAll()
                FileHandle.standardError.write(Data("sampo: interrupted; temporary files removed\n".utf8))
                _exit(128 + sig)
            }
            source.resume()
            sources.append(source)
        }
    }

    private final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
        func set() { lock.lock(); value = true; lock.unlock() }
    }
}
