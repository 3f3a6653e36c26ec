import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// The DocC articles' examples (Sources/Sampo/Sampo.docc), compiled and run against the public API
/// only, with checks of what each article says they give.
final class ArticleExampleTests: XCTestCase {
    private func scratch(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sampo-article-\(getpid())-\(name)").path
    }

    /// DiagnosticsOnYourOwnArrays.md
    func testDiagnosticsOnYourOwnArrays() throws {
        // Four AR(1) chains of one parameter, as another sampler might give them.
        let rng = RandomStream(seed: 1)
        let chains: [[Double]] = (0..<4).map { _ in
            var v = 0.0
            return (0..<2_000).map { _ in v = 0.5 * v + rng.normal(); return v }
        }
        // --- article
        let row = try ParameterSummary(parameter: "theta", chains: chains)
        print(row.mean, row.sd ?? .nan, row.mcseMean ?? .nan, row.essBulk ?? .nan, row.essTail ?? .nan, row.rhat ?? .nan)

        let bulk = try EffectiveSampleSize.bulk(chains)     // rank-normalised split chains
        let tail = try EffectiveSampleSize.tail(chains)     // 5% and 95% quantile indicators
        let rhat = RHat.rank(chains)                        // max of bulk and folded split R̂
        let mcse = try MonteCarloError.mean(chains)

        // Several parameters: draws as chains × draws × parameters, row-major.
        var flat: [Double] = []
        for c in 0..<4 { for i in 0..<2_000 { flat += [chains[c][i], 2 * chains[c][i] + 1] } }
        let draws = Draws(chains: 4, capacity: 2_000, dimension: 2, values: flat)
        let rows = try DrawsSummary.summarize(draws, names: ["theta", "psi"])
        for line in RunWarning.lines(RunWarning.convergenceWarnings(rows, chains: 4)) { print("warning:", line) }
        // --- end
        XCTAssertEqual(row.essBulk!, bulk!, accuracy: 1e-9 * bulk!)
        XCTAssertEqual(row.essTail!, tail!, accuracy: 1e-9 * tail!)
        XCTAssertEqual(row.rhat!, rhat!, accuracy: 1e-12)
        XCTAssertEqual(row.mcseMean!, mcse!, accuracy: 1e-12)
        // AR(1) with ρ = 0.5: ESS ≈ n (1 − ρ)/(1 + ρ) = 8 000/3.
        XCTAssertEqual(bulk!, 8_000.0 / 3, accuracy: 0.2 * 8_000 / 3)
        XCTAssertEqual(rows.map { $0.parameter }, ["theta", "psi"])
        XCTAssertEqual(rows[1].mean, 2 * rows[0].mean + 1, accuracy: 1e-9)
        XCTAssertEqual(rows[1].rhat!, rows[0].rhat!, accuracy: 1e-12, "R̂ is rank based: unchanged by an increasing map")
        XCTAssertTrue(RunWarning.convergenceWarnings(rows, chains: 4).isEmpty)
    }

    /// ReadingAndWritingCSVs.md
    func testReadingAndWritingCSVs() throws {
        let drawsPath = scratch("draws.csv"), summaryPath = scratch("summary.csv"), dataPath = scratch("data.csv")
        defer { for p in [drawsPath, summaryPath, dataPath] { try? FileManager.default.removeItem(atPath: p) } }
        let target = ClosureTarget(dimension: 2, logDensity: { x in -0.5 * (x[0] * x[0] + x[1] * x[1]) },
                                   gradient: { x in [-x[0], -x[1]] })
        // --- article
        let run = try Sampo.sample(target, with: .mala(stepSize: 1), chains: 4, steps: 2_000, seed: 1)
        try DrawsCSV.write(run.draws, names: run.names, to: drawsPath)      // chain,draw,x1,x2 (written atomically)
        let summary = try run.summary()
        try SummaryCSV.write(summary.parameters, to: summaryPath)

        let files = try ChainFiles.read([drawsPath])     // Sampo's layout, or Stan CSVs (one chain per file)
        let rows = try files.summarize()                 // the same rows as `run.summary()`

        try "y,x\n1.5,0.25\n2.0,0.5\n".write(toFile: dataPath, atomically: true, encoding: .utf8)
        let data = try NumericCSV.read(dataPath)         // a numeric table: errors name file, line and column
        let y = data.values(column: data.header.firstIndex(of: "y")!)
        // --- end
        XCTAssertEqual(files.format, .sampo)
        XCTAssertEqual(files.parameters, ["x1", "x2"])
        XCTAssertEqual(files.chainCount, 4)
        XCTAssertEqual(rows, summary.parameters, "draws written at full precision read back to the same summary")
        XCTAssertEqual(y, [1.5, 2.0])
        XCTAssertThrowsError(try NumericCSV.parse("y,x\n1,oops\n", path: "data.csv")) {
            XCTAssertTrue("\($0)".contains("data.csv") && "\($0)".contains("line 2"), "\($0)")
        }
        let htmlPath = scratch("run.html")
        defer { try? FileManager.default.removeItem(atPath: htmlPath) }
        // --- article
        let page = try RunPage.page(draws: [drawsPath], report: nil, reference: nil, facts: [("by", "my script")])
        for w in page.warnings { print("warning:", w.message) }      // also the page's first panel
        try page.render().write(toFile: htmlPath, atomically: true, encoding: .utf8)
        // --- end
        let html = try String(contentsOfFile: htmlPath, encoding: .utf8)
        XCTAssertEqual(html.components(separatedBy: "<figure>").count - 1, 2 * 3 + 1, "x1, x2: trace, rank, autocorrelation; the pair scatter")
        XCTAssertTrue(html.contains("<dt>by</dt><dd>my script</dd>"))
    }

    /// TypedErrors.md
    func testTypedErrors() throws {
        let target = ClosureTarget(dimension: 1, logDensity: { x in -x[0] * x[0] })
        var seen: [String] = []
        // --- article
        do {
            _ = try Sampo.sample(target, with: .rwm(stepSize: -1))
        } catch {                                              // typed throws: `error` is a SampoError
            switch error {
            case .invalid(.stepSize, let why): print("the step size:", why)
            case .invalid(let setting, let why): print(setting, why)
            case .badFile(let path, let why): print(path, why)
            default: print(error)                              // every case has a message
            }
            print(error.isUsage)                               // bad input (true) or a failed run (false)
            print(error.localizedDescription)                  // "step size: expected a positive number, …"
        }
        // --- end
        do { _ = try Sampo.sample(target, with: .rwm(stepSize: -1)) } catch {
            if case .invalid(.stepSize, _) = error { seen.append("stepSize") }
            XCTAssertTrue(error.isUsage)
            XCTAssertTrue(error.localizedDescription.hasPrefix("step size: "), error.localizedDescription)
        }
        XCTAssertEqual(seen, ["stepSize"])
        XCTAssertThrowsError(try Sampo.sample(target, with: .mala(stepSize: 0.5), chains: 1, starts: [[1e200]])) {
            guard case .nonFiniteStart(chain: 0, _)? = $0 as? SampoError else { return XCTFail("\($0)") }
        }
    }

    /// FastCustomTargets.md
    struct Logistic: LogDensity {
        let x: [Double]        // n × d covariates, row-major
        let y: [Double]        // 0/1 responses
        let dimension: Int

        func logDensity(at beta: UnsafePointer<Double>) -> Double { evaluate(beta, gradient: nil) }

        func logDensityAndGradient(at beta: UnsafePointer<Double>, gradient g: UnsafeMutablePointer<Double>) -> Double {
            evaluate(beta, gradient: g)
        }

        /// One pass over the rows for both calls; the gradient only when asked for.
        private func evaluate(_ beta: UnsafePointer<Double>, gradient g: UnsafeMutablePointer<Double>?) -> Double {
            if let g { for j in 0..<dimension { g[j] = -beta[j] } }          // the N(0, I) prior
            var lp = 0.0
            x.withUnsafeBufferPointer { x in
                for i in 0..<y.count {
                    var eta = 0.0
                    for j in 0..<dimension { eta += x[i * dimension + j] * beta[j] }
                    lp += y[i] * eta - (eta > 0 ? eta + log1p(exp(-eta)) : log1p(exp(eta)))
                    if let g {
                        let residual = y[i] - 1 / (1 + exp(-eta))
                        for j in 0..<dimension { g[j] += residual * x[i * dimension + j] }
                    }
                }
            }
            for j in 0..<dimension { lp -= 0.5 * beta[j] * beta[j] }
            return lp
        }
    }

    func testFastCustomTargets() throws {
        let rng = RandomStream(seed: 2)
        let n = 200, d = 3
        let x = (0..<(n * d)).map { _ in rng.normal() }
        let y = (0..<n).map { i in rng.uniform() < 1 / (1 + exp(-(x[i * d] - x[i * d + 1]))) ? 1.0 : 0.0 }
        // --- article
        let model = Logistic(x: x, y: y, dimension: d)
        let named = NamedTarget(name: "logistic", density: model, parameterNames: ["b1", "b2", "b3"])
        let run = try Sampo.sample(named, with: .nuts(), chains: 4, steps: 1_000, seed: 3)
        print(try run.summary()["b1"]?.mean ?? .nan)
        // --- end
        // The gradient agrees with central differences of the density.
        var beta = [0.3, -0.2, 0.1], g = [Double](repeating: 0, count: d)
        _ = model.logDensityAndGradient(at: beta, gradient: &g)
        for j in 0..<d {
            let h = 1e-6
            beta[j] += h; let up = model.logDensity(at: beta)
            beta[j] -= 2 * h; let down = model.logDensity(at: beta)
            beta[j] += h
            XCTAssertEqual(g[j], (up - down) / (2 * h), accuracy: 1e-5)
        }
        let summary = try run.summary()
        XCTAssertEqual(summary.parameters.map(\.parameter), ["b1", "b2", "b3"])
        XCTAssertNil(summary.note)
    }

    /// PopulationSamplers.md
    func testPopulationSamplers() throws {
        let lau = try TargetFile.load(named: "lau-gmm")
        // --- article
        let smc = try Sampo.sample(lau, with: .smc(particles: 2_000, kernel: .mala), chains: 4, seed: 7)
        print(smc.logZ ?? .nan, "±", smc.logZStandardError ?? .nan)        // between the 4 runs
        for report in smc.smcReports ?? [] { print(report.temperatures.count, report.essPerStage.min() ?? .nan) }
        let rows = try smc.summary().parameters                          // errorMethod == .betweenRuns
        let rdmc = try Sampo.sample(lau, with: .rdmc(particles: 1_000), chains: 4, seed: 8)
        for line in RunWarning.lines(rdmc.warnings) { print("warning:", line) }
        // --- end
        let truth = try XCTUnwrap(lau.moments.logNormalizer)
        XCTAssertEqual(try XCTUnwrap(smc.logZ), truth, accuracy: 5 * (try XCTUnwrap(smc.logZStandardError)))
        XCTAssertEqual(rows.map(\.errorMethod), [.betweenRuns, .betweenRuns])
        XCTAssertEqual(smc.draws.recorded, [2_000, 2_000, 2_000, 2_000])
        XCTAssertEqual(rdmc.rdmcReports?.count, 4)
    }
}
