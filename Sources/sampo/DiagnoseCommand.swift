import ArgumentParser
import Foundation
import Sampo
import SampoCore
import SampoDiagnostics
import SampoFiles
import SampoRuns

struct DiagnoseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "ESS, R-hat, MCSE and quantiles of draws (Sampo draws CSV, or Stan CSV with one file per chain).")

    @Argument(help: "Draws CSV files.") var files: [String]
    @Option(help: "Write the summary CSV to this file (with --reference posteriordb:NAME, also ref_mean, ref_sd, z_mean, sd_ratio).") var out: String?
    @Option(help: "Target (name or file) to measure the draws against: moments, sliced W2, energy distance, KSD, mode weights; or posteriordb:NAME, its gold-standard reference draws (ref_mean, ref_sd, z_mean, sd_ratio).")
    var reference: String?
    @Option(help: "A posteriordb posterior_database folder, for --reference posteriordb:NAME (default: $SAMPO_POSTERIORDB).")
    var posteriordb: String?

    func run() throws {
        try reportingErrors {
            try prepareOutputs([("--out", out)])
            let set = try ChainFiles.read(files)
            let rows = try set.summarize()
            say("\(set.format == .stan ? "Stan CSV" : "Sampo draws"): \(set.chainCount) chains × \(set.drawsPerChain) draws, \(set.parameters.count) parameters")
            if !set.leftOut.isEmpty { note("left out of the summary: " + set.leftOut.joined(separator: ", ")) }
            if let d = set.divergences { say("divergent transitions: \(d)") }
            if let a = set.meanAcceptStat { say("mean accept_stat__: \(String(format: "%.4f", a))") }
            if set.population {
                say("population draws (runs × particles): MCSE and ess_bulk from the spread between runs, no ess_tail")
            }
            say(SummaryCSV.table(rows, chains: set.chainCount), terminator: "")
            var goldStandard: ReferenceAgreement?
            if let reference, reference.hasPrefix("posteriordb:") {
                let db = try PosteriorDB.locate(posteriordb)
                let name = String(reference.dropFirst("posteriordb:".count))
                let agreement = try ReferenceAgreement(summaries: rows, reference: try db.referenceDraws(try db.posterior(name)))
                goldStandard = agreement
                say("against posteriordb's reference draws of \(name) (z_mean: difference over the combined MCSE):")
                say(agreement.table, terminator: "")
                let flagged = agreement.rows.filter { !$0.flags.isEmpty }.map(\.parameter)
                if !flagged.isEmpty { note("warning: \(flagged.count) parameter(s) disagree with the reference: \(flagged.joined(separator: ", "))") }
            } else if let reference {
                let target = try TargetFile.load(reference)
                let names = target.parameterNames.allSatisfy(set.parameters.contains)
                    ? target.parameterNames : NamedTarget.defaultNames(target.dimension)
                guard names.allSatisfy(set.parameters.contains) else {
                    throw SampoError.usage("--reference: target \(target.name) has dimension \(target.dimension); the draws need columns \(names.joined(separator: ","))")
                }
                let cols = names.map { set.parameters.firstIndex(of: $0)! }
                var points: [[Double]] = []
                for c in 0..<set.chainCount {
                    for i in 0..<set.drawsPerChain { points.append(cols.map { set.values[$0][c][i] }) }
                }
                say("against \(target.name) (\(points.count) draws):")
                for line in SampleQuality(points: points, target: target).lines { say("  " + line) }
            }
            if let out {
                var metadata = [("sampo", "summary"), ("files", files.joined(separator: " "))]
                if let reference, goldStandard != nil { metadata.append(("reference", reference)) }
                try SummaryCSV.write(rows, to: out, metadata: metadata, reference: goldStandard)
            }
        }
    }
}
