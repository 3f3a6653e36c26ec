import ArgumentParser
import Foundation
import SampoCore
import SampoFiles

/// `sampo resume FILE`: runs again the `sample` command a checkpoint recorded, in the directory it
/// was run from, with FILE as its checkpoint — which it then continues from. Only the number of
/// worker threads may be changed: the draws do not depend on it.
struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Continue a run from its checkpoint (sample --checkpoint).")

    @Argument(help: "The checkpoint file.") var checkpoint: String
    @Option(parsing: .unconditional, help: "Worker threads (default: as the run had; results do not depend on it).") var jobs: Int?

    func run() throws {
        var command: SampleCommand?
        try reportingErrors {
            let file = URL(fileURLWithPath: checkpoint).standardizedFileURL.path
            let (header, _) = try CheckpointFile.read(file)
            guard header.command == "sample", let text = header.settings["arguments"],
                  let recorded = try? JSONDecoder().decode([String].self, from: Data(text.utf8)), recorded.first == "sample" else {
                throw SampoError.badFile(path: checkpoint, "a checkpoint of `sampo \(header.command)` whose command line cannot be read; only `sample` runs resume")
            }
            if let directory = header.settings["directory"], directory != FileManager.default.currentDirectoryPath {
                guard FileManager.default.changeCurrentDirectoryPath(directory) else {
                    throw SampoError.badFile(path: checkpoint, "the run was started in \(directory), which cannot be entered; its relative paths are relative to it")
                }
            }
            // The recorded command, with this FILE as its checkpoint (wherever it was moved) and the jobs asked for.
            var arguments = Array(recorded.dropFirst())
            if let k = arguments.firstIndex(of: "--checkpoint"), k + 1 < arguments.count { arguments[k + 1] = file } else { arguments += ["--checkpoint", file] }
            arguments = arguments.map { $0.hasPrefix("--checkpoint=") ? "--checkpoint=" + file : $0 }
            if let jobs { arguments += ["--jobs", "\(jobs)"] }
            do { command = try SampleCommand.parse(arguments) } catch {
                throw SampoError.badFile(path: checkpoint, "its command line no longer parses: \(SampleCommand.message(for: error))")
            }
            invocationArguments = ["sample"] + arguments
        }
        try command?.run()
    }
}
