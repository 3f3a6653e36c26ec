import Foundation
import SampoCore

/// Programs this one runs or names: itself (in batch scripts) and Slurm's commands.
enum ExternalProgram {
    /// The running sampo executable's absolute path (for scripts run on other nodes of a shared file system).
    static func sampoExecutable() throws -> String {
        let resolved = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        if resolved != "/proc/self/exe", FileManager.default.isExecutableFile(atPath: resolved) { return resolved }
        let given = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        guard FileManager.default.isExecutableFile(atPath: given) else {
            throw SampoError.runtime("cannot find the sampo executable's path for the batch scripts")
        }
        return given
    }

    /// A program found in PATH, or an error saying it is not installed.
    static func inPath(_ name: String) throws -> String {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw SampoError.runtime("\(name) is not installed here (Slurm's client commands are needed; --dry-run writes the scripts without them)")
    }

    /// Runs a program to completion and returns its status and output.
    static func run(_ path: String, _ arguments: [String]) throws -> (Int32, String, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        do { try p.run() } catch { throw SampoError.runtime("cannot run \(path): \(error.localizedDescription)") }
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}
