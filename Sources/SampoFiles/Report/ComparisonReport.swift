import Foundation
import SampoCore
import SampoDiagnostics
import SampoRuns

/// The report of a comparison CSV: the warnings its rows raise, the table (sortable), and per
/// target the accuracy against oracle calls, ESS per 1 000 gradients, mode-weight TV, log Ẑ and
/// reference errors per sampler; with the folder of `compare --runs`, each cell's run as well.
public enum ComparisonReport {
    /// Accuracy columns drawn against oracle calls, in this order of preference (two at most).
    static let accuracyColumns = ["sliced_w2", "mean_error", "cov_error", "energy_distance", "ksd", "psnr"]

    /// `facts` go into the header after those of the file; `runs` is the folder of `compare --runs`.
    public static func page(comparison path: String, runs: String?, posteriordb: String? = nil,
                            facts: [(String, String)]) throws(SampoError) -> HTMLPage {
        let header = try ComparisonCSV.header(path)
        let rows = ComparisonCSV.sorted(try ComparisonCSV.read(path))
        guard !rows.isEmpty else {
            throw .badFile(path: path, "no rows: an empty comparison has nothing to report (did the compare run finish?)")
        }
        var page = HTMLPage(title: "Sampo comparison: \((path as NSString).lastPathComponent)")
        let targets = unique(rows.map(\.target)), samplers = unique(rows.map(\.sampler))
        let seeds = unique(rows.map { "\($0.seed)" })
        page.facts = [("comparison", path), ("targets", targets.joined(separator: ", ")), ("samplers", samplers.joined(separator: ", ")),
                      ("seeds", seeds.joined(separator: ", ")),
                      ("oracle calls per run", unique(rows.compactMap { ($0.values["grad_evals"] ?? nil).map { String(format: "%.0f", $0) } }).joined(separator: ", "))]
        if let grid = try ComparisonCSV.metadata(path)["grid"] { page.facts.append(("grid", grid)) }
        page.facts += facts
        let missing = ComparisonRow.columns.filter { !header.contains($0) }
        if !missing.isEmpty {
            page.notes.append("\(path) has no column \(missing.map { "'\($0)'" }.joined(separator: ", ")) (a comparison CSV of an older version): the table, figures and checks that need them are left out.")
        }

        // The rows' warnings, each linking to the cell's run when there is one, else to its row.
        var cellAnchor: [Int: String] = [:]
        var runsHTML = ""
        var missingRuns: [String] = []
        if let runs {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: runs, isDirectory: &isDir), isDir.boolValue else {
                throw .badFile(path: runs, "not a folder (expected a runs folder: TARGET/SAMPLER/seed-N/ holding draws.csv and report.json)")
            }
            var loadedTargets: [String: ReportTarget?] = [:]
            for (k, row) in rows.enumerated() {
                let dir = RunsFolder.folder(root: runs, target: row.target, sampler: row.sampler, seed: row.seed)
                let drawsPath = dir + "/" + RunsFolder.drawsFile
                guard FileManager.default.fileExists(atPath: drawsPath) else {
                    missingRuns.append("\(row.target) × \(row.sampler) × seed \(row.seed) (no \(drawsPath))")
                    continue
                }
                let reportPath = dir + "/" + RunsFolder.reportFile
                var report: RunReport?
                if let data = FileManager.default.contents(atPath: reportPath) {
                    do { report = try JSONDecoder().decode(RunReport.self, from: data) } catch {
                        throw .badFile(path: reportPath, "not a run report (\(error.localizedDescription))")
                    }
                }
                if loadedTargets[row.target] == nil {
                    do { loadedTargets[row.target] = .some(try ReportTarget.load(row.target, posteriordb: posteriordb)) } catch {
                        page.notes.append("target \(row.target) could not be loaded (\(error.localizedDescription)): its cells have no contours or reference")
                        loadedTargets[row.target] = .some(nil)
                    }
                }
                let id = "cell-\(k + 1)"
                cellAnchor[k] = id
                let draws = try ChainFiles.read([drawsPath])
                let section = try RunSection.build(id: id, draws: draws, report: report, reference: loadedTargets[row.target] ?? nil,
                                                   detail: .cell, page: &page)
                page.warnings += section.warnings.map { .init(message: "\(row.target) × \(row.sampler) × seed \(row.seed): \($0.message)", anchor: $0.anchor) }
                runsHTML += "<section id=\"\(id)\" aria-labelledby=\"\(id)-heading\"><h3 id=\"\(id)-heading\">\(HTMLPage.escape("\(row.target) × \(row.sampler) × seed \(row.seed)"))</h3>\n"
                    + section.html + "</section>\n"
            }
            if !missingRuns.isEmpty {
                page.notes.append("\(runs) lacks the runs of \(missingRuns.count) of \(rows.count) cells, shown by their rows only: " + missingRuns.joined(separator: "; "))
            }
        }
        // A cell whose run is shown has its warnings from the run (finer: per parameter and chain).
        for (k, row) in rows.enumerated() where cellAnchor[k] == nil {
            let messages = rowWarnings(row)
            if !messages.isEmpty {
                page.warnings.append(.init(message: "\(row.target) × \(row.sampler) × seed \(row.seed)\(budget(row)): " + messages.joined(separator: "; "),
                                           anchor: "row-\(k + 1)"))
            }
        }

        // The table: every column that holds a value somewhere.
        let shown = ComparisonRow.columns.filter { c in ["target", "sampler", "seed"].contains(c) || rows.contains { ($0.values[c] ?? nil) != nil } }
        let tableRows = rows.enumerated().map { k, row -> (id: String?, cells: [(String, String)]) in
            ("row-\(k + 1)", shown.map { c in
                switch c {
                case "target": return (row.target, row.target)
                case "sampler": return (row.sampler, row.sampler)
                case "seed": return ("\(row.seed)", "\(row.seed)")
                default: return HTMLPage.number(row.values[c] ?? nil)
                }
            })
        }
        var tableHTML = HTMLPage.table(id: "comparison", caption: "One row per run (target × sampler × seed); empty: does not apply",
                                       headers: shown, rows: tableRows, sortable: true)
        if !cellAnchor.isEmpty {
            tableHTML += "<p>Runs: " + rows.indices.compactMap { k in cellAnchor[k].map { "<a href=\"#\($0)\">\(HTMLPage.escape("\(rows[k].target) × \(rows[k].sampler) × seed \(rows[k].seed)"))</a>" } }.joined(separator: " · ") + "</p>\n"
        }
        page.addSection(id: "table", heading: "Comparison table", html: tableHTML)

        for target in targets {
            let mine = rows.filter { $0.target == target }
            var html = "<div class=\"figures\">\n"
            // Against oracle calls: only rows that have both (an older file may lack grad_evals).
            for metric in accuracyColumns.filter({ c in mine.contains { ($0.values[c] ?? nil) != nil && ($0.values["grad_evals"] ?? nil) != nil } }).prefix(2) {
                let svg = try Gnuplot.svg { (p) throws(SampoError) in try Plots.metricVersusBudget(rows: mine, metric: metric, to: p, size: (520, 340)) }
                html += page.figure(svg: svg, alt: "\(metric) against oracle calls per sampler on \(target)",
                                    caption: "\(metric) (mean over seeds) against oracle calls per sampler, log–log.")
            }
            func points(_ column: String, se: String? = nil) -> [(sampler: String, value: Double, se: Double?)] {
                mine.compactMap { r in (r.values[column] ?? nil).map { (r.sampler, $0, se.flatMap { r.values[$0] ?? nil }) } }
            }
            if let svg = try ReportFigures.perSampler(points("ess_per_1k_grad"), ylabel: "bulk ESS per 1000 oracle calls", logScale: true) {
                html += page.figure(svg: svg, alt: "Smallest bulk ESS per 1000 oracle calls per sampler on \(target)",
                                    caption: "Smallest bulk ESS over parameters per 1 000 oracle calls, one point per seed (higher is better).")
            }
            if let svg = try ReportFigures.perSampler(points("mode_weight_tv"), ylabel: "mode-weight TV") {
                html += page.figure(svg: svg, alt: "Total variation of the modes' weights per sampler on \(target)",
                                    caption: "Total variation between the modes' visited and true weights, one point per seed (0 is exact).")
            }
            if let svg = try ReportFigures.perSampler(points("log_z", se: "log_z_se"), ylabel: "log Z estimate") {
                html += page.figure(svg: svg, alt: "log Z estimates with standard errors per sampler on \(target)",
                                    caption: "log Ẑ with ± its standard error, one point per seed.")
            }
            if let svg = try ReportFigures.perSampler(points("ref_max_abs_z"), ylabel: "largest |z| against the reference", reference: ReferenceAgreement.zLimit) {
                html += page.figure(svg: svg, alt: "Largest reference z-score per sampler on \(target)",
                                    caption: "Largest |mean − reference mean| / MCSE over parameters, one point per seed; dashed: the 4 MCSE limit.")
            }
            html += "</div>\n"
            page.addSection(id: "target-" + HTMLPage.slug(target), heading: "Target \(target)", html: html)
        }
        if !runsHTML.isEmpty { page.addSection(id: "runs", heading: "Runs", html: runsHTML) }
        return page
    }

    /// What a row's columns say is wrong: R-hat, bulk and tail ESS below 100 per chain, diverged
    /// chains, divergent transitions, a reference mean over 4 MCSE away.
    static func rowWarnings(_ r: ComparisonRow) -> [String] {
        func v(_ c: String) -> Double? { r.values[c] ?? nil }
        var out: [String] = []
        if let x = v("rhat_max"), x > RunWarning.rhatThreshold { out.append("largest R-hat \(String(format: "%.3f", x)) > \(RunWarning.rhatThreshold)") }
        let floor = RunWarning.essPerChain * (v("chains") ?? 1)
        if let x = v("ess_bulk_min"), x < floor { out.append("smallest bulk ESS \(String(format: "%.0f", x)) < \(Int(floor)) (100 per chain)") }
        if let x = v("ess_tail_min"), x < floor { out.append("smallest tail ESS \(String(format: "%.0f", x)) < \(Int(floor)) (100 per chain)") }
        if let x = v("diverged_chains"), x > 0 { out.append("\(Int(x)) diverged chain\(x == 1 ? "" : "s") (or failed population runs)") }
        if let x = v("divergent_transitions"), x > 0 { out.append("\(Int(x)) divergent transitions after warm-up") }
        if let x = v("ref_max_abs_z"), x > ReferenceAgreement.zLimit { out.append("a mean \(String(format: "%.1f", x)) MCSE from the reference (> 4)") }
        return out
    }

    /// ", 8000 oracle calls" when a file holds runs of several budgets (a merged sweep).
    static func budget(_ row: ComparisonRow) -> String {
        (row.values["grad_evals"] ?? nil).map { ", \(String(format: "%.0f", $0)) oracle calls" } ?? ""
    }

    static func unique(_ xs: [String]) -> [String] {
        var seen = Set<String>()
        return xs.filter { seen.insert($0).inserted }
    }
}
