import SampoCore
import SampoDiagnostics
import SampoRuns
import Foundation

/// The summary CSV: `parameter,mean,sd,mcse_mean,mcse_sd,q05,q50,q95,ess_bulk,ess_tail,rhat`,
/// full precision, an empty cell where a statistic is undefined; `#` metadata lines first. Against
/// a gold standard, `ref_mean,ref_sd,z_mean,sd_ratio` follow (empty for parameters it lacks).
public enum SummaryCSV {
    public static func render(_ rows: [ParameterSummary], metadata: [(String, String)] = [],
                              reference: ReferenceAgreement? = nil) -> String {
        var out = ""
        for (k, v) in metadata { out += "# \(k): \(v)\n" }
        let against = reference.map { Dictionary($0.rows.map { ($0.parameter, $0) }, uniquingKeysWith: { a, _ in a }) }
        out += (ParameterSummary.columns + (against == nil ? [] : ["ref_mean", "ref_sd", "z_mean", "sd_ratio"])).joined(separator: ",") + "\n"
        for r in rows {
            var cells = [CSVField.escaped(r.parameter)] + r.values.map { $0.map(DrawsCSV.format) ?? "" }
            if let against {
                let a = against[r.parameter]
                cells += [a?.referenceMean, a?.referenceSD, a?.zMean, a?.sdRatio].map { $0.map(DrawsCSV.format) ?? "" }
            }
            out += cells.joined(separator: ",") + "\n"
        }
        return out
    }

    public static func write(_ rows: [ParameterSummary], to path: String, metadata: [(String, String)] = [],
                             reference: ReferenceAgreement? = nil) throws(SampoError) {
        try AtomicFile.write(render(rows, metadata: metadata, reference: reference), to: path)
    }

    /// A plain-text table for the terminal; flags R-hat > 1.01 and bulk-ESS below 100 per chain.
    public static func table(_ rows: [ParameterSummary], chains: Int) -> String {
        func f(_ x: Double?, _ spec: String) -> String { x.map { String(format: spec, $0) } ?? "—" }
        let width = max(9, rows.map(\.parameter.count).max() ?? 0)
        // Every cell is right-aligned with at least one space before it, so wide values never touch.
        func padded(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(1, w - s.count)) + s }
        var out = padded("parameter", width) + "      mean        sd  mcse_mean       q05       q50       q95  ess_bulk  ess_tail     rhat\n"
        var warnings: [String] = []
        for r in rows {
            out += padded(r.parameter, width)
            for (x, spec, w) in [(r.mean as Double?, "%.4g", 10), (r.sd, "%.4g", 10), (r.mcseMean, "%.3g", 11),
                                 (r.q05, "%.4g", 10), (r.q50, "%.4g", 10), (r.q95, "%.4g", 10),
                                 (r.essBulk, "%.0f", 10), (r.essTail, "%.0f", 10), (r.rhat, "%.4f", 9)] {
                out += padded(f(x, spec), w)
            }
            var flags: [String] = []
            if let rh = r.rhat, rh > 1.01 { flags.append("R-hat > 1.01") }
            if let e = r.essBulk, e < 100 * Double(chains) { flags.append("bulk-ESS < 100 per chain") }
            if !flags.isEmpty {
                out += "  !"
                warnings.append("\(r.parameter): " + flags.joined(separator: ", "))
            }
            out += "\n"
        }
        for w in warnings { out += "warning: \(w)\n" }
        return out
    }
}
