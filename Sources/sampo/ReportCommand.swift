import ArgumentParser
import Foundation
import SampoCore
import SampoFiles

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "One self-contained HTML page (figures inlined, nothing fetched) of a comparison CSV (with the runs of compare --runs) or of one run's draws.")

    @Option(help: "Comparison CSV of sampo compare.") var comparison: String?
    @Option(help: "With --comparison: the folder of compare --runs (each cell's draws and run report).") var runs: String?
    @Option(help: "Draws CSV of one run (Sampo's, or Stan CSV: give the option once per chain file).") var draws: [String] = []
    @Option(help: "With --draws: the run report (JSON) of sample --report.") var report: String?
    @Option(help: "With --draws: a target to compare with (name or file): contours of a 2-D target, image panels, posteriordb reference draws.")
    var reference: String?
    @Option(help: "A posteriordb posterior_database folder, for posteriordb:NAME targets (default: $SAMPO_POSTERIORDB).") var posteriordb: String?
    @Option(help: "Output HTML file.") var out: String

    func run() throws {
        try reportingErrors {
            try prepareOutputs([("--out", out)])
            guard out != "-" else { throw SampoError.usage("report: --out must be a file (the page is written atomically)") }
            let facts: [(String, String)] = [
                ("report by", "Sampo \(SampoVersion.current)"),
                ("command", CommandLine.arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")),
                ("written", ISO8601DateFormatter().string(from: Date())),
                ("machine", "\(ProcessInfo.processInfo.activeProcessorCount) cores"),
            ]
            let page: HTMLPage
            switch (comparison, draws.isEmpty) {
            case (let csv?, true):
                guard report == nil, reference == nil else {
                    throw SampoError.usage("report: --report and --reference go with --draws; a comparison's runs come from --runs")
                }
                page = try ComparisonReport.page(comparison: csv, runs: runs, posteriordb: posteriordb, facts: facts)
            case (nil, false):
                guard runs == nil else { throw SampoError.usage("report: --runs goes with --comparison") }
                let target = try reference.map { (r) throws(SampoError) in try ReportTarget.load(r, posteriordb: posteriordb) }
                page = try RunPage.page(draws: draws, report: report, reference: target, facts: facts)
            case (.some, false):
                throw SampoError.usage("report: give --comparison FILE.csv or --draws FILE.csv, not both")
            case (nil, true):
                throw SampoError.usage("report: give --comparison FILE.csv [--runs DIR] or --draws DRAWS.csv [--report RUN.json] [--reference TARGET]")
            }
            for n in page.notes { note(n) }
            if !page.warnings.isEmpty { note("\(page.warnings.count) warning\(page.warnings.count == 1 ? "" : "s") in the report (its first panel)") }
            let html = page.render()
            try AtomicFile.write(html, to: out)
            say("wrote \(out) (\(html.utf8.count / 1024) kB, \(page.sections.count) sections)")
        }
    }
}
