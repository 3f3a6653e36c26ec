import Foundation
import SampoCore

/// Temporary files being written, so that an interrupted run removes them: `removeAll()` is
/// called on SIGINT/SIGTERM by the command line (and the registry is safe to use from any thread).
public enum TemporaryFiles {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths: Set<String> = []

    /// A fresh hidden name in the destination's folder (so the final rename stays on one file system).
    public static func path(besides destination: String) -> String {
        let url = URL(fileURLWithPath: destination)
        let name = ".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0...UInt32.max)).tmp"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }

    public static func register(_ path: String) {
        lock.lock(); defer { lock.unlock() }
        paths.insert(path)
    }

    public static func unregister(_ path: String) {
        lock.lock(); defer { lock.unlock() }
        paths.remove(path)
    }

    /// Deletes every registered file (called when the process is interrupted).
    public static func removeAll() {
        lock.lock(); defer { lock.unlock() }
        for p in paths { unlink(p) }
        paths.removeAll()
    }
}
