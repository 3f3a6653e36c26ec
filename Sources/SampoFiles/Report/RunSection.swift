import Foundation
import SampoCore
import SampoDiagnostics
import SampoRuns

/// The part of a report about one run: what was run, the summary table, per parameter the trace,
/// rank and autocorrelation figures, a pair scatter for 2-D targets, image panels for image
/// posteriors, NUTS statistics, and the run's warnings, each linking to what it is about.
public enum RunSection {
    /// How much a run shows: on its own page, or as one cell of a comparison (smaller, so a grid's
    /// page stays small).
    public struct Detail: Sendable {
        /// Parameters with figures: the first ones, and up to `flagged` more with a warning (the
        /// largest R-hat first).
        public var parameters: Int
        public var flagged: Int
        /// Points per chain in a trace.
        public var tracePoints: Int
        /// Rows of the summary table of a target with more parameters: the first ones and the flagged.
        public var tableRows: Int
        public static let page = Detail(parameters: 12, flagged: 12, tracePoints: 1000, tableRows: 200)
        public static let cell = Detail(parameters: 4, flagged: 4, tracePoints: 250, tableRows: 100)
    }

    /// The run's HTML (figures added to `page`) and its warnings; `id` prefixes every anchor.
    public static func build(id: String, draws: ChainFiles, report: RunReport?, reference: ReportTarget?, detail: Detail,
                             page: inout HTMLPage) throws(SampoError) -> (html: String, warnings: [HTMLPage.Warning]) {
        let summaries = try draws.summarize()
        let chains = draws.chainCount
        var warnings: [HTMLPage.Warning] = []
        var flagged: [String: [String]] = [:]   // parameter → what is wrong
        func anchor(_ p: String) -> String { "\(id)-p-" + HTMLPage.slug(p) }
        let essFloor = RunWarning.essPerChain * Double(max(chains, 1))
        // One warning per check, naming every parameter it flags and linking to the worst one.
        func group(_ check: String, short: String, _ hits: [(String, Double)], worstFirst: (Double, Double) -> Bool, _ format: String) {
            guard !hits.isEmpty else { return }
            let sorted = hits.sorted { worstFirst($0.1, $1.1) }
            for (p, _) in hits { flagged[p, default: []].append(short) }
            let listed = sorted.prefix(8).map { "\($0.0) (\(String(format: format, $0.1)))" }.joined(separator: ", ") + (sorted.count > 8 ? ", …" : "")
            warnings.append(.init(message: "\(check) for \(hits.count) parameter\(hits.count == 1 ? "" : "s"): \(listed)", anchor: anchor(sorted[0].0)))
        }
        // A population's particles are not chains: R-hat and ESS do not apply to them.
        if !draws.population {
        group("R-hat > \(RunWarning.rhatThreshold)", short: "R-hat", summaries.compactMap { s in s.rhat.flatMap { $0 > RunWarning.rhatThreshold ? (s.parameter, $0) : nil } },
              worstFirst: >, "%.3f")
        group("bulk ESS < \(Int(essFloor)) (100 per chain)", short: "bulk ESS", summaries.compactMap { s in s.essBulk.flatMap { $0 < essFloor ? (s.parameter, $0) : nil } },
              worstFirst: <, "%.0f")
        group("tail ESS < \(Int(essFloor)) (100 per chain)", short: "tail ESS", summaries.compactMap { s in s.essTail.flatMap { $0 < essFloor ? (s.parameter, $0) : nil } },
              worstFirst: <, "%.0f")
        }
        // Gold-standard reference draws (a posteriordb target): means within 4 MCSE.
        var agreement: [String: ReferenceAgreement.Row] = [:]
        var notes: [String] = []
        let target = reference?.target
        if let load = reference?.referenceDraws {
            do {
                let a = try ReferenceAgreement(summaries: summaries, reference: try load())
                var far: [(String, Double)] = []
                for row in a.rows {
                    agreement[row.parameter] = row
                    if let z = row.zMean, abs(z) > ReferenceAgreement.zLimit {
                        let p = summaries.first { $0.parameter == row.parameter || StanNames.bracketed($0.parameter) == row.parameter }?.parameter ?? row.parameter
                        far.append((p, abs(z)))
                    }
                }
                group("mean more than 4 MCSE from the reference's", short: "reference", far, worstFirst: >, "|z| %.1f")
            } catch {
                notes.append("reference draws of \(reference?.name ?? "the target") not compared: \(error.localizedDescription)")
            }
        }
        let hasStats = draws.samplerColumns["treedepth__"] != nil || draws.samplerColumns["stepsize__"] != nil
            || report?.adaptedStepSizes != nil || report?.divergentTransitionsPerChain != nil
        // The run report's own warnings, except those the full draws were just checked for.
        for w in report?.warnings ?? [] where ![.rhat, .lowBulkESS, .lowTailESS].contains(w.kind) {
            let about = w.parameter.map(anchor) ?? (hasStats ? "\(id)-sampler" : id)
            warnings.append(.init(message: w.message, anchor: about))
            if let p = w.parameter { flagged[p, default: []].append(w.kind.rawValue) }
        }
        if report == nil, let d = draws.divergences, d > 0 {
            warnings.append(.init(message: "\(d) divergent transitions after warm-up (divergent__)", anchor: "\(id)-sampler"))
        }
        for left in draws.leftOut { warnings.append(.init(message: "left out of the summaries: \(left)", anchor: id)) }

        var html = ""
        if let r = report {
            var facts: [(String, String)] = [("target", r.target), ("sampler", r.sampler), ("seed", "\(r.seed)")]
            if let c = r.chains { facts.append(("chains", "\(c)")) }
            if let s = r.steps { facts.append(("steps", "\(s)")) }
            if let w = r.warmup { facts.append(("warm-up", "\(w)")) }
            if let adapted = r.adaptedStepSizes, !adapted.isEmpty {
                facts.append(("adapted step size per chain", adapted.map { String(format: "%.4g", $0) }.joined(separator: ", ")))
            } else if let h = r.stepSize { facts.append(("step size", String(format: "%.4g", h))) }
            if let n = r.runs, let p = r.particles { facts.append(("runs × particles", "\(n) × \(p)")) }
            if let z = r.logZ { facts.append(("log Ẑ", String(format: "%.5g", z) + (r.logZStandardError.map { " ± " + String(format: "%.3g", $0) } ?? ""))) }
            facts.append(("gradient / density evaluations", "\(r.gradientEvaluations) / \(r.densityEvaluations)"))
            facts.append(("wall time", String(format: "%.3g s", r.wallSeconds)))
            html += "<dl class=\"facts\">" + facts.map { "<dt>\(HTMLPage.escape($0.0))</dt><dd>\(HTMLPage.escape($0.1))</dd>" }.joined() + "</dl>\n"
        }
        html += "<p>\(chains) \(draws.population ? "runs" : "chains") × \(draws.drawsPerChain) draws, \(summaries.count) parameters"
            + (draws.population ? " (standard errors between runs)" : "") + ".</p>\n"
        for n in notes { html += "<p class=\"note\">\(HTMLPage.escape(n))</p>\n" }

        // The summary table: every parameter, with the reference columns when there is a reference.
        var headers = ["parameter", "mean", "sd", "mcse_mean", "mcse_sd", "ess_bulk", "ess_tail", "rhat", "q05", "q50", "q95"]
        if !agreement.isEmpty { headers += ["ref_mean", "ref_sd", "z_mean"] }
        headers.append("warnings")
        // A huge target (an image posterior) lists its first parameters and every flagged one.
        let listed = summaries.count <= detail.tableRows ? summaries
            : summaries.enumerated().filter { $0.offset < detail.tableRows || flagged[$0.element.parameter] != nil }.prefix(2 * detail.tableRows).map(\.element)
        let rows = listed.map { s -> (id: String?, cells: [(String, String)]) in
            var cells: [(String, String)] = [(s.parameter, s.parameter)]
            for x in [s.mean, s.sd, s.mcseMean, s.mcseSD, s.essBulk, s.essTail, s.rhat, s.q05, s.q50, s.q95] as [Double?] { cells.append(HTMLPage.number(x)) }
            if !agreement.isEmpty {
                let a = agreement[s.parameter] ?? agreement[StanNames.bracketed(s.parameter)]
                cells += [HTMLPage.number(a?.referenceMean), HTMLPage.number(a?.referenceSD), HTMLPage.number(a?.zMean, digits: 3)]
            }
            let f = flagged[s.parameter] ?? []
            cells.append((f.joined(separator: ", "), f.joined(separator: ", ")))
            return ("\(id)-row-" + HTMLPage.slug(s.parameter), cells)
        }
        html += HTMLPage.table(caption: "Summary (rank-normalised split R-hat and ESS, Vehtari et al. 2021)"
                                 + (listed.count < summaries.count ? ": \(listed.count) of \(summaries.count) parameters, the first \(detail.tableRows) and those with a warning" : ""),
                               headers: headers, rows: rows, sortable: true, rowHeaders: true)

        // A 2-D target: the draws over its density's contours.
        let parameterIndices = draws.parameters.indices.filter { draws.parameters[$0] != "lp__" }
        if parameterIndices.count == 2 {
            let (a, b) = (parameterIndices[0], parameterIndices[1])
            let points = Self.draws(draws, coordinates: [a, b])
            let names = [draws.parameters[a], draws.parameters[b]]
            let svg = try Gnuplot.svg { (path) throws(SampoError) in
                try Plots.scatter(draws: points, target: target?.dimension == 2 ? target : nil, names: names, to: path,
                                  maxPoints: detail.tracePoints * 2, grid: 48)
            }
            html += "<h3 id=\"\(id)-pair\">Pair plot</h3>" + page.figure(svg: svg, alt: "Scatter of \(names[0]) against \(names[1])",
                caption: "Draws of \(names[0]) and \(names[1])" + (target?.dimension == 2 ? " over the contours of the target's density." : "."))
        }

        // An image posterior: posterior mean and sd as images beside the truth and the observation.
        if let target, let likelihood = (target.density as? CompositeTarget)?.smooth as? DeconvolutionLikelihood,
           draws.parameters.count == likelihood.blur.rows * likelihood.blur.cols {
            let means = summaries.map(\.mean), variances = summaries.map { ($0.sd ?? 0) * ($0.sd ?? 0) }
            let table = MomentsCSV.Table(names: draws.parameters, columns: ["mean": means, "variance": variances])
            let svg = try Gnuplot.svg { (path) throws(SampoError) in
                try Plots.imagePanels(truth: likelihood.truth, observation: likelihood.observation, moments: table,
                                      rows: likelihood.blur.rows, cols: likelihood.blur.cols, to: path)
            }
            html += "<h3 id=\"\(id)-image\">Image</h3>" + page.figure(svg: svg, alt: "Image panels: truth, observation, posterior mean and sd",
                                                                    caption: "Truth, observation, posterior mean and pixel-wise posterior sd.")
        }

        // Figures for the first parameters and every flagged one.
        let worst = summaries.indices.filter { $0 >= detail.parameters && flagged[summaries[$0].parameter] != nil }
            .sorted { (summaries[$0].rhat ?? 1, -$0) > (summaries[$1].rhat ?? 1, -$1) }.prefix(detail.flagged)
        let shown = summaries.indices.filter { $0 < detail.parameters || worst.contains($0) }
        if shown.count < summaries.count {
            let more = summaries.indices.filter { $0 >= detail.parameters && flagged[summaries[$0].parameter] != nil }.count
            html += "<p>Figures for \(shown.count) of \(summaries.count) parameters: the first \(min(detail.parameters, summaries.count))"
                + (more == 0 ? "" : more > worst.count ? " and the \(worst.count) of the \(more) others with a warning that have the largest R-hat" : " and the \(more) others with a warning")
                + ".</p>\n"
        }
        for k in shown {
            let name = summaries[k].parameter, series = draws.values[k]
            html += "<h3 id=\"\(anchor(name))\">\(HTMLPage.escape(name))</h3><div class=\"figures\">\n"
            if !draws.population {
            html += page.figure(svg: try ReportFigures.trace(name: name, chains: series, maxPoints: detail.tracePoints),
                                alt: "Trace of \(name), one line per chain", caption: "Trace of \(name) per chain" + (draws.drawsPerChain > detail.tracePoints ? " (one draw in \((draws.drawsPerChain + detail.tracePoints - 1) / detail.tracePoints))" : "") + ".")
            }
            html += page.figure(svg: try ReportFigures.rank(name: name, chains: series),
                                alt: "Rank histograms of \(name) per chain", caption: "Ranks of \(name) pooled over \(draws.population ? "runs, histogram per run" : "chains, histogram per chain"): flat near 1 when they agree.")
            if !draws.population, let acf = try ReportFigures.autocorrelation(name: name, chains: series) {
                html += page.figure(svg: acf, alt: "Autocorrelation of \(name) per chain", caption: "Autocorrelation of \(name) per chain.")
            }
            html += "</div>\n"
        }

        if hasStats { html += try samplerStatistics(id: id, draws: draws, report: report, page: &page) }
        // A warning links to the parameter's figures, else to its table row, else to the run.
        let figured = Set(shown.map { anchor(summaries[$0].parameter) }), tabled = Set(rows.compactMap(\.id))
        for k in warnings.indices where warnings[k].anchor.hasPrefix("\(id)-p-") && !figured.contains(warnings[k].anchor) {
            let row = "\(id)-row-" + warnings[k].anchor.dropFirst("\(id)-p-".count)
            warnings[k].anchor = tabled.contains(row) ? row : id
        }
        return (html, warnings)
    }

    /// Step sizes, tree depths, divergences and acceptance per chain, and the tree-depth histogram.
    static func samplerStatistics(id: String, draws: ChainFiles, report: RunReport?, page: inout HTMLPage) throws(SampoError) -> String {
        let c = draws.samplerColumns
        let chains = max(draws.chainCount, report?.adaptedStepSizes?.count ?? 0, report?.divergentTransitionsPerChain?.count ?? 0)
        func mean(_ v: [Double]?) -> Double? { v.flatMap { $0.isEmpty ? nil : $0.reduce(0, +) / Double($0.count) } }
        let rows = (0..<chains).map { k -> (id: String?, cells: [(String, String)]) in
            let step = c["stepsize__"].flatMap { k < $0.count ? $0[k].last : nil } ?? report?.adaptedStepSizes.flatMap { k < $0.count ? $0[k] : nil }
            let depth = c["treedepth__"].flatMap { k < $0.count ? $0[k] : nil }
            let divergent = c["divergent__"].flatMap { k < $0.count ? $0[k].reduce(0, +) : nil }
                ?? report?.divergentTransitionsPerChain.flatMap { k < $0.count ? Double($0[k]) : nil }
            let accept = c["accept_stat__"].flatMap { k < $0.count ? mean($0[k]) : nil }
            return (nil, [("chain \(k + 1)", "\(k + 1)"), HTMLPage.number(step), HTMLPage.number(mean(depth), digits: 3),
                          HTMLPage.number(depth?.max()), HTMLPage.number(divergent), HTMLPage.number(accept, digits: 3)])
        }
        var html = "<h3 id=\"\(id)-sampler\">Sampler statistics</h3>"
        html += HTMLPage.table(caption: "Per chain after warm-up", headers: ["chain", "step size", "mean tree depth", "largest tree depth",
                                                                             "divergent transitions", "mean accept_stat"], rows: rows, rowHeaders: true)
        if let depths = c["treedepth__"], let svg = try ReportFigures.treeDepths(depths.flatMap { $0 }) {
            html += page.figure(svg: svg, alt: "Histogram of NUTS tree depths", caption: "Tree depths of the transitions after warm-up, all chains.")
        }
        return html
    }

    /// Draws of some coordinates of the kept chains (for the scatter).
    static func draws(_ files: ChainFiles, coordinates: [Int]) -> Draws {
        let n = files.drawsPerChain, d = coordinates.count
        var values = [Double](repeating: 0, count: files.chainCount * n * d)
        for c in 0..<files.chainCount { for i in 0..<n { for (j, p) in coordinates.enumerated() { values[(c * n + i) * d + j] = files.values[p][c][i] } } }
        return Draws(chains: files.chainCount, capacity: n, dimension: d, values: values)
    }
}
