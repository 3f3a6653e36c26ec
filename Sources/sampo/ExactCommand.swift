import ArgumentParser
import Foundation
import Sampo
import SampoCore
import SampoDiagnostics
import SampoFiles
import SampoRuns

struct ExactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exact", abstract: "Write iid reference draws of a target that has them.")

    @Option(help: "Target name or file.") var target: String
    @Option(parsing: .unconditional, help: "Number of draws.") var count: Int
    @Option(parsing: .unconditional, help: "Random seed.", transform: SeedValue.parse) var seed: UInt64 = 1
    @Option(help: "Output CSV file.") var draws: String

    func run() throws {
        try reportingErrors {
            try prepareOutputs([("--draws", draws)])
            let loaded = try TargetFile.load(target)
            loaded.notes.forEach(note)
            let result = try ExactDraws.draw(loaded, count: count, seed: seed)
            try DrawsCSV.write(result, names: loaded.parameterNames, to: draws, metadata: [
                ("sampo", "exact draws"), ("target", loaded.name), ("target_file", loaded.path),
                ("seed", "\(seed)"), ("count", "\(count)"),
            ])
            say("wrote \(count) exact draws of \(loaded.name) to \(draws)")
        }
    }
}
