import ArgumentParser
import Foundation
import Sampo
import SampoCore
import SampoDiagnostics
import SampoFiles
import SampoRuns

struct TargetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "targets", abstract: "List the shipped targets.")

    func run() throws {
        say("\(pad("name", 18)) \(pad("family", 18)) \(pad("dim", 4)) \(pad("exact", 6)) description")
        for file in TargetFile.shippedFiles() {
            do {
                let t = try TargetFile.parse(try TargetFile.readText(file), file: file)
                say("\(pad(t.name, 18)) \(pad(t.family, 18)) \(pad("\(t.dimension)", 4)) \(pad(t.exactSampler == nil ? "no" : "yes", 6)) \(t.description)")
            } catch {
                say("\(pad((file as NSString).lastPathComponent, 18)) (invalid: \(error))")
            }
        }
    }
}
