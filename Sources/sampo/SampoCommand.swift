import ArgumentParser
import Foundation
import Sampo
import SampoCore
import SampoDiagnostics
import SampoFiles
import SampoRuns

@main
struct SampoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sampo",
        abstract: "MCMC and Langevin sampling: targets, samplers, diagnostics.",
        subcommands: [SampleCommand.self, ExactCommand.self, DiagnoseCommand.self, CompareCommand.self, MergeCommand.self, PlotCommand.self, DensityCommand.self, BiasCommand.self, MapCommand.self, SamplersCommand.self,
                      TargetsCommand.self, BenchCommand.self, ClusterCommand.self, ResumeCommand.self, ReportCommand.self]
    )

    /// Like ArgumentParser's own entry point, but bad usage exits with status 2 (the README's contract)
    /// instead of 64, so scripts see one usage status whatever part of Sampo found the problem.
    static func main() {
        Interruption.install()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Runs a command body, turning Sampo's errors into a message on stderr and the exit status
/// of the README: 2 for bad input, 1 for runtime failures.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        // The memory limit every size check uses (default: half the physical memory).
        if let text = ProcessInfo.processInfo.environment["SAMPO_MEMORY_LIMIT"] {
            guard let bytes = MemoryLimit.parse(text) else {
                throw SampoError.usage("SAMPO_MEMORY_LIMIT: expected a size such as 512M, 8G or a number of bytes, found '\(text.prefix(40))'")
            }
            MemoryLimit.set(bytes: bytes)
        }
        try body()
    } catch let error as SampoError {
        FileHandle.standardError.write(Data("sampo: error: \(error.commandLineMessage)\n".utf8))
        throw ExitCode(error.exitStatus)
    }
}

/// Where the human-readable report goes: standard output, unless an output file is `-`.
nonisolated(unsafe) var reportGoesToStandardError = false

/// Prints a report line (to standard error when standard output carries an output file).
func say(_ text: String = "", terminator: String = "\n") {
    if reportGoesToStandardError {
        FileHandle.standardError.write(Data((text + terminator).utf8))
    } else {
        print(text, terminator: terminator)
    }
}

/// Checks, before any work, that every output can be written; `-` (standard output) may be given
/// once, and then the report goes to standard error.
func prepareOutputs(_ outputs: [(flag: String, path: String?)]) throws {
    let given = outputs.compactMap { o in o.path.map { (o.flag, $0) } }
    let dashes = given.filter { $0.1 == "-" }
    guard dashes.count <= 1 else {
        throw SampoError.usage("\(dashes.map(\.0).joined(separator: ", ")): only one output can go to standard output ('-')")
    }
    for (flag, path) in given {
        do { try AtomicFile.checkWritable(path) } catch {
            throw SampoError.usage("\(flag): \(error.message)")
        }
    }
    // Two outputs into one file: the second would silently replace the first. Compared after
    // resolving symbolic links and `..`; devices and FIFOs (/dev/null) may take several.
    var seen: [String: String] = [:]
    for (flag, path) in given where path != "-" {
        let resolved = AtomicFile.fileKey(path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory),
           let type = try? FileManager.default.attributesOfItem(atPath: resolved)[.type] as? FileAttributeType,
           type != .typeRegular { continue }
        if let other = seen[resolved] {
            throw SampoError.usage("\(other) and \(flag) name the same file \(path): give each output its own file")
        }
        seen[resolved] = flag
    }
    if !dashes.isEmpty { reportGoesToStandardError = true }
}

func note(_ text: String) {
    FileHandle.standardError.write(Data("sampo: note: \(text)\n".utf8))
}

/// Parses `--set key=value` options; errors name the option.
func parseRawSettings(_ items: [String]) throws -> [String: String] {
    var out: [String: String] = [:]
    for item in items {
        let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw SampoError.usage("--set \(item): expected key=value")
        }
        guard out[parts[0]] == nil else { throw SampoError.usage("--set \(parts[0]): given twice") }
        out[parts[0]] = parts[1]
    }
    return out
}

/// `--set` values for the sampler registry, which checks each against the parameter's kind.
func parseSettings(_ items: [String]) throws -> [String: ParameterValue] {
    try parseRawSettings(items).mapValues { ParameterValue.text($0) }
}

/// Right-pads for plain-text tables.
func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
}

func fmt(_ x: Double, _ digits: Int = 4) -> String {
    x.isFinite ? String(format: "%.\(digits)g", x) : "\(x)"
}
