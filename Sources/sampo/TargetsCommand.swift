import ArgumentParser
import Foundation
import Sampo
import SampoCore
import SampoDiagnostics
import SampoFiles
import SampoRuns

struct TargetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "targets", abstract: "List the shipped targets, or a posteriordb folder's posteriors.")

    @Option(help: "List the posteriors of this posteriordb posterior_database folder instead: name, model, scalars in its reference parameters, whether a reference exists.")
    var posteriordb: String?

    func run() throws {
        if let posteriordb {
            try reportingErrors {
                let db = try PosteriorDB.locate(posteriordb)
                say("\(pad("name", 46)) \(pad("model", 28)) \(pad("scalars", 7)) reference")
                for name in db.names {
                    do {
                        let p = try db.posterior(name)
                        let hasReference = p.referencePath.map { FileManager.default.fileExists(atPath: $0) } ?? false
                        let dim = p.dimensions.reduce(0) { $0 + $1.1 }
                        say("\(pad(name, 46)) \(pad(p.modelName, 28)) \(pad("\(dim)", 7)) \(hasReference ? "yes" : "no")")
                    } catch {
                        say("\(pad(name, 46)) (invalid: \(error))")
                    }
                }
            }
            return
        }
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
