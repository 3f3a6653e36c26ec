import ArgumentParser
import Foundation
import Sampo

struct DiagnoseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "ESS, R-hat, MCSE and quantiles of draws (Sampo draws CSV, or Stan CSV with one file per chain).")

    @Argument(help: "Draws CSV files.") var files: [String]
    @Option(help: "Write the summary CSV to this file.") var out: String?

    func run() throws {
        try reportingErrors {
            let set = try ChainFiles.read(files)
            let rows = try set.summarize()
            print("\(set.format == .stan ? "Stan CSV" : "Sampo draws"): \(set.chainCount) chains × \(set.drawsPerChain) draws, \(set.parameters.count) parameters")
            if let d = set.divergences { print("divergent transitions: \(d)") }
            if let a = set.meanAcceptStat { print("mean accept_stat__: \(String(format: "%.4f", a))") }
            print(SummaryCSV.table(rows, chains: set.chainCount), terminator: "")
            if let out {
                try SummaryCSV.write(rows, to: out, metadata: [("sampo", "summary"), ("files", files.joined(separator: " "))])
            }
        }
    }
}
