import SampoCore
import SampoDiagnostics
import SampoRuns
import Foundation

/// Figures through gnuplot: each plot writes its data to temporary files beside the output,
/// runs one gnuplot script, and renames the image into place. PNG or SVG by the file extension.
public enum Gnuplot {
    /// The terminal line for `path` (pngcairo for .png, svg for .svg).
    static func terminal(for path: String, size: (Int, Int) = (900, 700)) throws(SampoError) -> String {
        if path.hasSuffix(".png") { return "set terminal pngcairo size \(size.0),\(size.1) noenhanced" }
        if path.hasSuffix(".svg") { return "set terminal svg size \(size.0),\(size.1) noenhanced" }
        throw .invalid(.argument("path"), "expected a .png or .svg file, found '\(path)'")
    }

    /// Runs `script` (which reads the named data blocks) and writes the figure to `path` atomically.
    public static func render(script: String, data: [String: String], to path: String, size: (Int, Int) = (900, 700)) throws(SampoError) {
        let term = try terminal(for: path, size: size)
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("sampo-plot-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do { try fm.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
            throw .runtime("plot: cannot create a temporary folder (\(error.localizedDescription))")
        }
        defer { try? fm.removeItem(at: dir) }
        var header = ""
        for (name, text) in data.sorted(by: { $0.key < $1.key }) {
            let file = dir.appendingPathComponent(name + ".dat")
            do { try text.write(to: file, atomically: false, encoding: .utf8) } catch {
                throw .runtime("plot: cannot write data (\(error.localizedDescription))")
            }
            header += "\(name) = '\(file.path)'\n"
        }
        let image = dir.appendingPathComponent("figure" + (path.hasSuffix(".svg") ? ".svg" : ".png"))
        let full = term + "\nset output '\(image.path)'\n" + header + script + "\nunset output\n"
        let scriptFile = dir.appendingPathComponent("plot.gp")
        do { try full.write(to: scriptFile, atomically: false, encoding: .utf8) } catch {
            throw .runtime("plot: cannot write the gnuplot script")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["gnuplot", scriptFile.path]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        do { try p.run() } catch { throw .runtime("plot: cannot run gnuplot (install it with `make setup`)") }
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0, let bytes = fm.contents(atPath: image.path), !bytes.isEmpty else {
            throw .runtime("plot: gnuplot failed (\(p.terminationStatus)): \(message.prefix(400))")
        }
        try AtomicFile.write(bytes, to: path)
    }

    /// A figure as SVG text to inline in a page: `draw` renders an .svg file at the path it is
    /// given (any of `Plots` or `render`); the XML prolog is dropped.
    public static func svg(_ draw: (String) throws(SampoError) -> Void) throws(SampoError) -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("sampo-figure-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).svg").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try draw(path)
        guard let bytes = FileManager.default.contents(atPath: path) else { throw .runtime("plot: gnuplot wrote no figure") }
        var text = String(decoding: bytes, as: UTF8.self)
        if let start = text.range(of: "<svg") { text.removeSubrange(text.startIndex..<start.lowerBound) }
        return text
    }
}

/// The figures of `sampo plot`.
public enum Plots {
    /// Draws (first two coordinates) over the target's contours; `names` label the axes (default x1, x2);
    /// the density is evaluated on a `grid` × `grid` lattice for the contours.
    public static func scatter(draws: Draws, target: NamedTarget?, names: [String]? = nil, to path: String,
                               maxPoints: Int = 5000, grid gridSize: Int = 120) throws(SampoError) {
        guard draws.dimension >= 2 else { throw .usage("plot scatter: needs draws with at least x1 and x2") }
        let pts = Distances.evenlyThinned(draws.points(), cap: maxPoints)
        guard !pts.isEmpty else { throw .usage("plot scatter: no draws") }
        var data = ["points": pts.map { "\($0[0]) \($0[1])" }.joined(separator: "\n") + "\n"]
        let axis = names.map { $0.count >= 2 ? $0 : ["x1", "x2"] } ?? ["x1", "x2"]
        var script = "set xlabel '\(label(axis[0]))'; set ylabel '\(label(axis[1]))'; set key off\n"
        if let target, target.dimension == 2 {
            let xs = pts.map { $0[0] }, ys = pts.map { $0[1] }
            let (x0, x1) = (xs.min() ?? 0, xs.max() ?? 0), (y0, y1) = (ys.min() ?? 0, ys.max() ?? 0)
            let padX = 0.15 * (x1 - x0) + 0.5, padY = 0.15 * (y1 - y0) + 0.5
            var grid = ""
            let n = gridSize
            for i in 0...n {
                let x = x0 - padX + (x1 - x0 + 2 * padX) * Double(i) / Double(n)
                for j in 0...n {
                    let y = y0 - padY + (y1 - y0 + 2 * padY) * Double(j) / Double(n)
                    let v = exp(target.density.logDensity([x, y]))
                    grid += "\(x) \(y) \(v.isFinite ? v : 0)\n"
                }
                grid += "\n"
            }
            data["grid"] = grid
            script += """
            set contour base; set cntrparam levels 12; unset surface; set view map
            set table grid.'.contours'
            splot grid using 1:2:3 with lines
            unset table
            plot grid.'.contours' using 1:2 with lines lc rgb '#888888', points using 1:2 with points pt 7 ps 0.3 lc rgb '#1f77b4'
            """
        } else {
            script += "plot points using 1:2 with points pt 7 ps 0.3 lc rgb '#1f77b4'\n"
        }
        try Gnuplot.render(script: script, data: data, to: path)
    }

    /// `j` is 0-based here; the message speaks of the 1-based coordinate the user gave.
    static func checkCoordinate(_ j: Int, _ draws: Draws) throws(SampoError) {
        guard j >= 0, j < draws.dimension else {
            throw .invalid(.argument("coordinate"), "expected 1 … \(draws.dimension) (the draws' coordinates), found \(j &+ 1)")
        }
    }

    /// A parameter name inside a single-quoted gnuplot string (quotes doubled, underscores not subscripts).
    static func label(_ name: String) -> String {
        name.replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "_", with: "\\_")
    }

    /// Trace of one coordinate, one line per chain.
    public static func trace(draws: Draws, coordinate j: Int, name: String? = nil, to path: String) throws(SampoError) {
        try checkCoordinate(j, draws)
        var data: [String: String] = [:], plots: [String] = []
        for c in 0..<draws.chains where draws.recorded[c] > 0 {
            let s = draws.series(chain: c, coordinate: j)
            let step = max(1, s.count / 5000)
            data["chain\(c + 1)"] = stride(from: 0, to: s.count, by: step).map { "\($0 + 1) \(s[$0])" }.joined(separator: "\n") + "\n"
            plots.append("chain\(c + 1) using 1:2 with lines title 'chain \(c + 1)'")
        }
        guard !plots.isEmpty else { throw .usage("plot trace: no draws") }
        try Gnuplot.render(script: "set xlabel 'draw'; set ylabel '\(Self.label(name ?? "x\(j + 1)"))'\nplot " + plots.joined(separator: ", "), data: data, to: path)
    }

    /// Autocorrelation of one coordinate per chain up to `lags` (from the FFT autocovariance).
    public static func autocorrelation(draws: Draws, coordinate j: Int, lags: Int = 100, name: String? = nil,
                                       to path: String) throws(SampoError) {
        try checkCoordinate(j, draws)
        var data: [String: String] = [:], plots: [String] = []
        for c in 0..<draws.chains where draws.recorded[c] > 1 {
            let acov = try Autocovariance.compute(draws.series(chain: c, coordinate: j))
            guard acov[0] > 0 else { continue }
            data["chain\(c + 1)"] = (0..<min(lags, acov.count)).map { "\($0) \(acov[$0] / acov[0])" }.joined(separator: "\n") + "\n"
            plots.append("chain\(c + 1) using 1:2 with linespoints pt 7 ps 0.4 title 'chain \(c + 1)'")
        }
        guard !plots.isEmpty else { throw .usage("plot acf: no chain with varying draws") }
        try Gnuplot.render(script: "set xlabel 'lag'; set ylabel 'autocorrelation of \(Self.label(name ?? "x\(j + 1)"))'; set yrange [-0.2:1.05]\nplot " + plots.joined(separator: ", "),
                           data: data, to: path)
    }

    /// Mean of a comparison metric against grad_evals, one line per sampler (log–log).
    public static func metricVersusBudget(rows: [ComparisonRow], metric: String, to path: String, size: (Int, Int) = (900, 700)) throws(SampoError) {
        guard ComparisonRow.columns.contains(metric) else { throw .invalid(.argument("metric"), "unknown column '\(metric)'") }
        var data: [String: String] = [:], plots: [String] = []
        for (k, sampler) in Set(rows.map(\.sampler)).sorted().enumerated() {
            var byBudget: [Double: [Double]] = [:]
            for r in rows where r.sampler == sampler {
                if let b = r.values["grad_evals"] ?? nil, let v = r.values[metric] ?? nil { byBudget[b, default: []].append(v) }
            }
            guard !byBudget.isEmpty else { continue }
            data["s\(k)"] = byBudget.keys.sorted().map { b in
                let v = byBudget[b] ?? []
                return "\(b) \(v.reduce(0, +) / Double(v.count))"
            }.joined(separator: "\n") + "\n"
            plots.append("s\(k) using 1:2 with linespoints pt 7 title '\(sampler)'")
        }
        guard !plots.isEmpty else { throw .usage("plot budget: no rows with both grad_evals and \(metric)") }
        try Gnuplot.render(script: "set logscale xy; set xlabel 'oracle calls'; set ylabel '\(metric)'; set key top right\nplot " + plots.joined(separator: ", "),
                           data: data, to: path, size: size)
    }

    /// Exact stationary W₂ bias against the step size, one line per sampler (log–log). Unstable step
    /// sizes and biases at rounding level (below 1e-10, e.g. BAOAB's exact position marginal on a
    /// Gaussian) are left out: they would only stretch the axis.
    public static func biasVersusStepSize(rows: [BiasCSV.Row], to path: String) throws(SampoError) {
        var data: [String: String] = [:], plots: [String] = []
        var samplers: [String] = []
        for r in rows where !samplers.contains(r.sampler) { samplers.append(r.sampler) }
        for (k, sampler) in samplers.enumerated() {
            let points = rows.filter { $0.sampler == sampler }.compactMap { r in r.w2.flatMap { $0 > 1e-10 ? (r.stepSize, $0) : nil } }
                .sorted { $0.0 < $1.0 }
            guard !points.isEmpty else { continue }
            data["s\(k)"] = points.map { "\($0.0) \($0.1)" }.joined(separator: "\n") + "\n"
            plots.append("s\(k) using 1:2 with linespoints pt 7 ps 0.5 title '\(sampler)'")
        }
        guard !plots.isEmpty else { throw .usage("plot bias: no rows with a w2 above rounding level (1e-10)") }
        try Gnuplot.render(script: "set logscale xy; set format xy '%g'; set xlabel 'step size h'; set ylabel 'exact stationary W2 bias'; set key bottom right\nplot "
                           + plots.joined(separator: ", "), data: data, to: path)
    }

    /// Image panels of a deconvolution run in one figure: the truth (when known), the observation,
    /// and from a moments file the posterior mean, the pixel-wise sd and the width of the central
    /// interval between the lowest and highest quantile columns (90% for q05 and q95).
    public static func imagePanels(truth: [Double]?, observation: [Double], moments: MomentsCSV.Table, rows: Int, cols: Int,
                                   to path: String) throws(SampoError) {
        guard moments.names.count == rows * cols else {
            throw .usage("plot image: the moments file has \(moments.names.count) rows, the image \(rows) × \(cols) = \(rows * cols) pixels")
        }
        func matrix(_ v: [Double]) -> String {
            (0..<rows).map { i in (0..<cols).map { "\(v[i * cols + $0])" }.joined(separator: " ") }.joined(separator: "\n") + "\n"
        }
        guard let mean = moments.columns["mean"], let variance = moments.columns["variance"] else {
            throw .usage("plot image: the moments file needs mean and variance columns")
        }
        var panels: [(String, [Double], String)] = []
        if let truth { panels.append(("truth", truth, "grey")) }
        panels.append(("observation", observation, "grey"))
        panels.append(("posterior mean", mean, "grey"))
        panels.append(("posterior sd", variance.map { max($0, 0).squareRoot() }, "heat"))
        let quantiles = moments.columns.keys.filter { $0.hasPrefix("q") }.compactMap { k in Double(k.dropFirst()).map { (k, $0) } }.sorted { $0.1 < $1.1 }
        if let lo = quantiles.first, let hi = quantiles.last, lo.1 < hi.1, let a = moments.columns[lo.0], let b = moments.columns[hi.0] {
            panels.append(("\(Int(hi.1 - lo.1))% interval width (\(lo.0)–\(hi.0))", zip(a, b).map { $1 - $0 }, "heat"))
        }
        var data: [String: String] = [:]
        var script = "set multiplot layout 2,3\nunset key; unset xtics; unset ytics; set size ratio -1\nset yrange [*:*] reverse\n"
        for (k, (title, values, palette)) in panels.enumerated() {
            data["p\(k)"] = matrix(values)
            script += (palette == "grey" ? "set palette grey\n" : "set palette rgbformulae 21,22,23\n")
            script += "set title '\(title)'\nplot p\(k) matrix with image\n"
        }
        script += "unset multiplot"
        try Gnuplot.render(script: script, data: data, to: path, size: (1350, 900))
    }

    /// Occupancy of each mixture component against its weight.
    public static func modeOccupancy(draws: Draws, target: NamedTarget, to path: String) throws(SampoError) {
        guard let mixture = target.density as? any MixtureModes else {
            throw .usage("plot modes: target \(target.name) is not a mixture")
        }
        let pts = draws.points()
        guard !pts.isEmpty else { throw .usage("plot modes: no draws") }
        var counts = [Double](repeating: 0, count: mixture.weights.count)
        for p in pts { counts[p.withUnsafeBufferPointer { mixture.mostResponsibleComponent(at: $0.baseAddress!) }] += 1 }
        let rows = mixture.weights.indices.map { "\($0 + 1) \(counts[$0] / Double(pts.count)) \(mixture.weights[$0])" }
        try Gnuplot.render(script: """
            set style data histograms; set style histogram clustered gap 1; set style fill solid 0.8
            set xlabel 'component'; set ylabel 'fraction'; set yrange [0:*]
            plot modes using 2:xtic(1) title 'occupancy', modes using 3 title 'weight'
            """, data: ["modes": rows.joined(separator: "\n") + "\n"], to: path)
    }
}
