import Foundation
import SampoCore
import SampoDiagnostics

/// The figures of `sampo report` as SVG text (gnuplot's svg terminal). Chains are told apart by
/// dash pattern and point shape as well as colour, so the figures read in grey too. Long series are
/// thinned to a fixed number of points, which bounds a page's size whatever the number of draws.
public enum ReportFigures {
    /// Size of the small per-parameter figures (pixels of the SVG's view box).
    static let small = (480, 260)

    static func render(_ script: String, _ data: [String: String], size: (Int, Int) = small) throws(SampoError) -> String {
        try Gnuplot.svg { (path) throws(SampoError) in try Gnuplot.render(script: script, data: data, to: path, size: size) }
    }

    /// A gnuplot number: shortest form, non-finite as a missing point.
    static func g(_ x: Double) -> String { x.isFinite ? String(format: "%.6g", x) : "NaN" }

    /// A chain's line style: dash type and point type by chain.
    static func style(_ c: Int) -> String { "dt \(c % 5 + 1) lw 1 pt \((c % 6) + 4)" }

    /// Trace per chain, every k-th draw so that a chain has at most `maxPoints` points.
    public static func trace(name: String, chains: [[Double]], maxPoints: Int) throws(SampoError) -> String {
        var data: [String: String] = [:], plots: [String] = []
        for (c, s) in chains.enumerated() where !s.isEmpty {
            let step = max(1, (s.count + maxPoints - 1) / maxPoints)
            data["c\(c + 1)"] = stride(from: 0, to: s.count, by: step).map { "\($0 + 1) \(g(s[$0]))" }.joined(separator: "\n") + "\n"
            plots.append("c\(c + 1) using 1:2 with lines \(style(c)) title 'chain \(c + 1)'")
        }
        guard !plots.isEmpty else { throw .usage("report: no draws of \(name)") }
        return try render("set xlabel 'draw'; set ylabel '\(Plots.label(name))'; set key outside right top\nplot " + plots.joined(separator: ", "), data)
    }

    /// Rank plot (Vehtari et al. 2021): the draws of all chains ranked together, a histogram of each
    /// chain's ranks; chains from the same distribution give flat histograms at the dashed level.
    public static func rank(name: String, chains: [[Double]], bins: Int = 20) throws(SampoError) -> String {
        let n = chains.reduce(0) { $0 + $1.count }
        guard n > 0 else { throw .usage("report: no draws of \(name)") }
        var pooled: [(Double, Int)] = []
        pooled.reserveCapacity(n)
        for (c, s) in chains.enumerated() { for x in s { pooled.append((x, c)) } }
        pooled.sort { $0.0 < $1.0 }
        var counts = [[Double]](repeating: [Double](repeating: 0, count: bins), count: chains.count)
        // Ties share the mean of their ranks (a chain that did not move would otherwise look uniform).
        var i = 0
        while i < n {
            var j = i
            while j + 1 < n && pooled[j + 1].0 == pooled[i].0 { j += 1 }
            let r = Double(i + j) / 2
            for k in i...j { counts[pooled[k].1][min(bins - 1, Int(r / Double(n) * Double(bins)))] += 1 }
            i = j + 1
        }
        var data: [String: String] = [:], plots: [String] = []
        for (c, h) in counts.enumerated() {
            // Each chain's share of draws per bin, so chains of any length are on one scale (1 = uniform).
            let expected = Double(chains[c].count) / Double(bins)
            guard expected > 0 else { continue }
            data["c\(c + 1)"] = h.indices.map { "\(g((Double($0) + 0.5) / Double(bins))) \(g(h[$0] / expected))" }.joined(separator: "\n") + "\n"
            plots.append("c\(c + 1) using 1:2 with histeps \(style(c)) title 'chain \(c + 1)'")
        }
        plots.append("1 with lines dt 2 lc rgb '#555555' title 'uniform'")
        return try render("set xlabel 'pooled rank of \(Plots.label(name)) (fraction)'; set ylabel 'draws / uniform'; set xrange [0:1]; set yrange [0:*]; set key outside right top\nplot "
                          + plots.joined(separator: ", "), data)
    }

    /// Autocorrelation per chain up to `lags` (from the FFT autocovariance).
    public static func autocorrelation(name: String, chains: [[Double]], lags: Int = 40) throws(SampoError) -> String? {
        var data: [String: String] = [:], plots: [String] = []
        for (c, s) in chains.enumerated() where s.count > 2 {
            let acov = try Autocovariance.compute(s)
            guard acov[0] > 0 else { continue }
            data["c\(c + 1)"] = (0..<min(lags + 1, acov.count)).map { "\($0) \(g(acov[$0] / acov[0]))" }.joined(separator: "\n") + "\n"
            plots.append("c\(c + 1) using 1:2 with lines \(style(c)) title 'chain \(c + 1)'")
        }
        guard !plots.isEmpty else { return nil }
        return try render("set xlabel 'lag'; set ylabel 'autocorrelation'; set yrange [-0.25:1.05]; set key outside right top\nplot " + plots.joined(separator: ", "), data)
    }

    /// One value per (sampler, seed), samplers along the x axis, with ± standard errors when given
    /// and a dashed reference line when given.
    public static func perSampler(_ points: [(sampler: String, value: Double, se: Double?)], ylabel: String, logScale: Bool = false,
                                  reference: Double? = nil) throws(SampoError) -> String? {
        var samplers: [String] = []
        for p in points where !samplers.contains(p.sampler) { samplers.append(p.sampler) }
        let usable = points.filter { $0.value.isFinite && (!logScale || $0.value > 0) }
        guard !usable.isEmpty else { return nil }
        let rows = usable.map { p in
            let x = Double(samplers.firstIndex(of: p.sampler) ?? 0) + 1
            return "\(g(x)) \(g(p.value)) \(g(p.se ?? 0))"
        }
        let tics = samplers.enumerated().map { "'\(Plots.label($1).replacingOccurrences(of: "\\_", with: "_"))' \($0 + 1)" }.joined(separator: ", ")
        var script = "set xrange [0.5:\(samplers.count).5]; set xtics (\(tics)) rotate by -20; set ylabel '\(Plots.label(ylabel))'; set key off\n"
        if logScale { script += "set logscale y\n" }
        var plot = "plot p using 1:2:3 with yerrorbars pt 7 ps 0.8 lc rgb '#1f4e9c'"
        if let reference, reference.isFinite { plot += ", \(g(reference)) with lines dt 2 lc rgb '#555555'" }
        return try render(script + plot, ["p": rows.joined(separator: "\n") + "\n"], size: (max(360, 110 * samplers.count + 160), 280))
    }

    /// The tree depths of NUTS transitions, pooled over chains.
    public static func treeDepths(_ depths: [Double]) throws(SampoError) -> String? {
        guard !depths.isEmpty else { return nil }
        var counts: [Int: Int] = [:]
        for d in depths where d.isFinite { counts[Int(d), default: 0] += 1 }
        let rows = counts.keys.sorted().map { "\($0) \(counts[$0] ?? 0)" }
        return try render("set style fill solid 0.6 border -1; set boxwidth 0.8; set xlabel 'tree depth'; set ylabel 'transitions'; set yrange [0:*]; set key off\nplot d using 1:2 with boxes lc rgb '#1f4e9c'",
                          ["d": rows.joined(separator: "\n") + "\n"], size: (420, 260))
    }
}
