import Foundation
import SampoCore
import SampoRuns

/// The report of one run: its draws file (Sampo's or Stan CSV), optionally its run report (JSON)
/// and a target to compare with.
public enum RunPage {
    public static func page(draws paths: [String], report reportPath: String?, reference: ReportTarget?,
                            facts: [(String, String)]) throws(SampoError) -> HTMLPage {
        let draws = try ChainFiles.read(paths)
        var report: RunReport?
        if let reportPath {
            let data = try TextFile.text(reportPath)
            do { report = try JSONDecoder().decode(RunReport.self, from: Data(data.utf8)) } catch {
                throw .badFile(path: reportPath, "not a run report (the JSON Sampo writes for a run) (\(error.localizedDescription))")
            }
        }
        let name = report.map { "\($0.sampler) on \($0.target), seed \($0.seed)" } ?? paths.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")
        var page = HTMLPage(title: "Sampo run: \(name)")
        page.facts = [("draws", paths.joined(separator: ", "))] + (reportPath.map { [("run report", $0)] } ?? [])
            + (reference.map { [("compared with", $0.name)] } ?? []) + facts
        if reference?.referenceDraws == nil && reference?.target == nil, let r = reference {
            page.notes.append("\(r.name) is not compiled for a report: no contours or reference draws (posteriordb:NAME targets have references)")
        }
        let section = try RunSection.build(id: "run", draws: draws, report: report, reference: reference, detail: .page, page: &page)
        page.warnings = section.warnings
        page.addSection(id: "run", heading: "Run", html: section.html)
        return page
    }
}
