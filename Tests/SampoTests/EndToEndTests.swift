import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// Runs the built `sampo` executable as a user would.
final class EndToEndTests: XCTestCase {
    private var executable: URL { get throws { try TestSupport.sampoExecutable() } }

    private func sampo(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = try executable
        p.arguments = args
        p.currentDirectoryURL = TestSupport.root
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// Names from a target file go into the draws header and the summary; `diagnose` reads them back
    /// with the same rows; `density --points` takes either the names or x1 … xd.
    func testNamedParametersRoundTrip() throws {
        let target = tmp("named.toml")
        try "family = \"expression\"\ndimension = 2\nnames = [\"mu\", \"log_sigma\"]\nlog_density = \"-x[1]^2 - (x[2] - 1)^2\"\n"
            .write(toFile: target, atomically: true, encoding: .utf8)
        let draws = tmp("named-draws.csv"), summary = tmp("named-summary.csv"), again = tmp("named-again.csv")
        let run = try sampo(["sample", "--target", target, "--sampler", "mala", "--steps", "2000", "--seed", "3",
                             "--draws", draws, "--summary", summary])
        XCTAssertEqual(run.status, 0, run.err)
        let header = try String(contentsOfFile: draws, encoding: .utf8).split(separator: "\n").first { !$0.hasPrefix("#") }
        XCTAssertEqual(header, "chain,draw,mu,log_sigma")
        let diagnose = try sampo(["diagnose", draws, "--out", again])
        XCTAssertEqual(diagnose.status, 0, diagnose.err)
        XCTAssertTrue(diagnose.out.contains("log_sigma"))
        func rows(_ path: String) throws -> [Substring] {
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        }
        XCTAssertEqual(try rows(summary), try rows(again))
        XCTAssertEqual(try rows(summary).dropFirst().map { $0.split(separator: ",")[0] }, ["mu", "log_sigma"])
        for header in ["log_sigma,mu", "x2,x1"] {
            let points = tmp("points.csv")
            try "\(header)\n1,0.5\n".write(toFile: points, atomically: true, encoding: .utf8)
            let density = try sampo(["density", "--target", target, "--points", points])
            XCTAssertEqual(density.status, 0, density.err)
            XCTAssertEqual(density.out.split(separator: "\n").last.map(String.init), "0.5,1.0,-0.25,-1.0,0.0", header)
        }
        try "family = \"expression\"\ndimension = 2\nnames = [\"a\", \"a\"]\nenergy = \"x[1]^2\"\n".write(toFile: target, atomically: true, encoding: .utf8)
        let bad = try sampo(["sample", "--target", target, "--sampler", "mala", "--steps", "10"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.err.contains("field 'names': name 'a' appears twice"), bad.err)
    }

    /// NUTS from the command line: Stan's sampler columns in the draws, the adapted step size and
    /// metric in the metadata and report, and `diagnose` reading the columns as Stan's.
    func testNUTSSamplerStatsAndAdaptation() throws {
        let draws = tmp("nuts-draws.csv"), report = tmp("nuts-report.json")
        let run = try sampo(["sample", "--target", "lau-gmm", "--sampler", "nuts", "--steps", "500", "--seed", "4",
                             "--sampler-stats", "--draws", draws, "--report", report, "--set", "metric=dense"])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue(run.out.contains("mean accept_stat__"), run.out)
        XCTAssertTrue(run.out.contains("divergent transitions  0 0 0 0"), run.out)
        let text = try String(contentsOfFile: draws, encoding: .utf8)
        XCTAssertTrue(text.contains("\nchain,draw,x1,x2,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__\n"))
        XCTAssertTrue(text.contains("# adapt: on\n") && text.contains("# metric: dense\n") && text.contains("# adapted_step_size: "))
        let metricLine = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("# inverse_metric_1: ") })
        XCTAssertEqual(metricLine.split(separator: " ").count, 2 + 4)   // "#", key, then 2 × 2 values
        let row = try XCTUnwrap(text.split(separator: "\n").last).split(separator: ",")
        XCTAssertEqual(row.count, 10)
        XCTAssertNotNil(Int(row[6]), "treedepth__ is an integer: \(row)")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any])
        XCTAssertEqual((json["adapted_step_sizes"] as? [Double])?.count, 4)
        XCTAssertEqual(json["metric"] as? String, "dense")
        XCTAssertEqual((json["divergent_transitions_per_chain"] as? [Int]) ?? [], [0, 0, 0, 0])
        let diagnose = try sampo(["diagnose", draws])
        XCTAssertEqual(diagnose.status, 0, diagnose.err)
        XCTAssertTrue(diagnose.out.contains("divergent transitions: 0"), diagnose.out)
        XCTAssertTrue(diagnose.out.contains("mean accept_stat__: 0."), diagnose.out)
        XCTAssertFalse(diagnose.out.contains("energy__"), diagnose.out)
        // Samplers without per-transition statistics refuse the flag.
        let ula = try sampo(["sample", "--target", "lau-gmm", "--sampler", "ula", "--sampler-stats", "--draws", tmp("ula.csv")])
        XCTAssertEqual(ula.status, 2)
        XCTAssertTrue(ula.err.contains("--sampler-stats"), ula.err)
    }

    func testBiasCommand() throws {
        let out = tmp("bias.csv")
        let run = try sampo(["bias", "--target", "gaussian-illcond", "--samplers", "ula,rklmc", "--step-sizes", "0.004,0.05",
                             "--out", out])
        XCTAssertEqual(run.status, 0, run.err)
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "sampler,step_size,w2,max_variance_ratio")
        XCTAssertEqual(lines.count, 5)
        XCTAssertTrue(lines[1].hasPrefix("ula,0.004,"))
        XCTAssertEqual(Double(lines[1].split(separator: ",")[3]) ?? 0, 1.25, accuracy: 1e-12)   // 1/(1 − hκ/2), κ = 100
        XCTAssertEqual(lines[2], "ula,0.05,,")                                                   // unstable: empty cells
        XCTAssertTrue(run.err.contains("unstable"), run.err)
        let notGaussian = try sampo(["bias", "--target", "lau-gmm", "--samplers", "ula", "--step-sizes", "0.1"])
        XCTAssertEqual(notGaussian.status, 2)
        XCTAssertTrue(notGaussian.err.contains("not a single Gaussian"), notGaussian.err)
        // The gradient cost to reach W₂ ≤ ε: the first K at which the transient law is within ε,
        // times the kernel's gradients per step (RLMC two), at the best step size of the grid.
        let cost = tmp("cost.csv")
        let acc = try sampo(["bias", "--target", "gaussian-illcond", "--samplers", "ula,rlmc", "--step-sizes", "0.002,0.004,0.01",
                             "--accuracy", "0.1,0.001", "--cost-out", cost])
        XCTAssertEqual(acc.status, 0, acc.err)
        let rows = try String(contentsOfFile: cost, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(rows[0], ["sampler", "epsilon", "step_size", "steps", "gradients"])
        XCTAssertEqual(rows.count, 5)
        let target = try TestSupport.target("gaussian-illcond")
        let mean = try XCTUnwrap(target.moments.mean), sigma = try XCTUnwrap(target.moments.covariance)
        for row in rows[1...] where !row[2].isEmpty {
            let kernel = try XCTUnwrap(StationaryLaw.Kernel(rawValue: row[0]))
            let eps = try XCTUnwrap(Double(row[1])), h = try XCTUnwrap(Double(row[2])), k = try XCTUnwrap(Int(row[3]))
            let path = try TransientLaw.path(kernel, mean: mean, covariance: sigma, stepSize: h).distances(upTo: k)
            XCTAssertLessThanOrEqual(path[k], eps)
            XCTAssertGreaterThan(path[k - 1], eps)
            XCTAssertEqual(Int(row[4]), k * (kernel == .rlmc ? 2 : 1))
            for other in [0.002, 0.004, 0.01] where other != h {   // no step size of the grid does better
                if let n = try TransientLaw.stepsToAccuracy(kernel, mean: mean, covariance: sigma, stepSize: other, epsilon: eps) {
                    XCTAssertGreaterThanOrEqual(n, k, "\(kernel.rawValue) ε = \(eps) at h = \(other)")
                }
            }
        }
        XCTAssertEqual(rows[2], ["ula", "0.001", "", "", ""])   // below ULA's bias at every h of the grid
        XCTAssertTrue(acc.out.contains("not reached"), acc.out)
    }

    /// The files the tests wrote go when the class is done (a folder per process).
    override class func tearDown() {
        try? FileManager.default.removeItem(at: FileManager.default.temporaryDirectory.appendingPathComponent("sampo-e2e-\(getpid())"))
        super.tearDown()
    }

    private func tmp(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sampo-e2e-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    /// `--metric-from`: a run report's adapted metric (mean over chains) starts every chain of a new
    /// run, whose warm-up then adapts the step size only; reports of another target or shape, and
    /// samplers without a metric, are refused with the file and field named.
    func testMetricFromAReport() throws {
        let first = tmp("metric-first.json"), second = tmp("metric-second.json")
        let a = try sampo(["sample", "--target", "lau-gmm", "--sampler", "nuts", "--set", "metric=fisher-dense", "--steps", "200", "--report", first])
        XCTAssertEqual(a.status, 0, a.err)
        let b = try sampo(["sample", "--target", "lau-gmm", "--sampler", "nuts", "--steps", "200", "--metric-from", first, "--report", second])
        XCTAssertEqual(b.status, 0, b.err)
        func json(_ path: String) throws -> [String: Any] {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        }
        let given = try XCTUnwrap(json(first)["inverse_metrics"] as? [[Double]])
        let mean = (0..<given[0].count).map { k in given.map { $0[k] }.reduce(0, +) / Double(given.count) }
        let used = try XCTUnwrap(json(second)["inverse_metrics"] as? [[Double]])
        for chain in used { for k in mean.indices { XCTAssertEqual(chain[k], mean[k], accuracy: 1e-12 * max(1, abs(mean[k]))) } }
        XCTAssertEqual(try json(second)["metric"] as? String, "given dense")
        let other = try sampo(["sample", "--target", "gmm25", "--sampler", "nuts", "--steps", "50", "--metric-from", first])
        XCTAssertEqual(other.status, 2, other.err)
        XCTAssertTrue(other.err.contains("metric-first.json") && other.err.contains("'lau-gmm'"), other.err)
        let rwm = try sampo(["sample", "--target", "lau-gmm", "--sampler", "rwm", "--steps", "50", "--metric-from", first])
        XCTAssertEqual(rwm.status, 2, rwm.err)
        XCTAssertTrue(rwm.err.contains("no metric"), rwm.err)
        let notJSON = tmp("metric-bad.json")
        try "chain,draw\n".write(toFile: notJSON, atomically: true, encoding: .utf8)
        let bad = try sampo(["sample", "--target", "lau-gmm", "--sampler", "nuts", "--steps", "50", "--metric-from", notJSON])
        XCTAssertEqual(bad.status, 2, bad.err)
        XCTAssertTrue(bad.err.contains("metric-bad.json"), bad.err)
    }

    /// A low-rank metric is in the report (the diagonal σ² in `inverse_metrics`, the kept eigenpairs
    /// per chain) and `--metric-from` restarts from the first chain's; a report whose eigenvectors
    /// are not orthonormal is refused with the field named.
    func testLowRankMetricInTheReportAndBack() throws {
        let first = tmp("lowrank-first.json"), second = tmp("lowrank-second.json")
        let a = try sampo(["sample", "--target", "pima-logistic", "--sampler", "nuts", "--set", "metric=fisher-lowrank",
                           "--set", "adaptation=nutpie", "--steps", "200", "--report", first])
        XCTAssertEqual(a.status, 0, a.err)
        func json(_ path: String) throws -> [String: Any] {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        }
        let report = try json(first)
        XCTAssertEqual(report["metric"] as? String, "fisher-lowrank")
        XCTAssertEqual(report["metric_adaptation"] as? String, "nutpie")
        let values = try XCTUnwrap(report["metric_eigenvalues"] as? [[Double]])
        let vectors = try XCTUnwrap(report["metric_eigenvectors"] as? [[[Double]]])
        XCTAssertEqual(values.count, 4)
        XCTAssertGreaterThan(values[0].count, 0, "pima's coefficients are correlated: some direction is kept")
        XCTAssertTrue(values.allSatisfy { $0.allSatisfy { $0 > 2 || $0 < 0.5 } }, "\(values)")
        XCTAssertEqual(vectors[0].count, values[0].count)
        XCTAssertTrue(vectors[0].allSatisfy { $0.count == 9 })
        let b = try sampo(["sample", "--target", "pima-logistic", "--sampler", "nuts", "--steps", "200", "--metric-from", first, "--report", second])
        XCTAssertEqual(b.status, 0, b.err)
        let again = try json(second)
        XCTAssertEqual(again["metric"] as? String, "given fisher-lowrank")
        // (JSON round trips to the last bit or one ulp)
        for chain in try XCTUnwrap(again["metric_eigenvalues"] as? [[Double]]) {
            XCTAssertEqual(chain.count, values[0].count)
            for (x, y) in zip(chain, values[0]) { XCTAssertEqual(x, y, accuracy: 1e-14 * y) }
        }
        // Not orthonormal: refused, the field named.
        var broken = report
        broken["metric_eigenvectors"] = vectors.map { chain in chain.map { $0.map { 2 * $0 } } }
        let bad = tmp("lowrank-bad.json")
        try JSONSerialization.data(withJSONObject: broken).write(to: URL(fileURLWithPath: bad))
        let c = try sampo(["sample", "--target", "pima-logistic", "--sampler", "nuts", "--steps", "50", "--metric-from", bad])
        XCTAssertEqual(c.status, 2, c.err)
        XCTAssertTrue(c.err.contains("lowrank-bad.json") && c.err.contains("metric_eigenvectors") && c.err.contains("orthonormal"), c.err)
    }

    func testSampleWritesIdenticalDrawsForAnyJobs() throws {
        let a = tmp("a.csv"), b = tmp("b.csv"), report = tmp("r.json")
        let common = ["sample", "--target", "lau-gmm", "--sampler", "mala", "--steps", "2000", "--chains", "3", "--seed", "5"]
        let r1 = try sampo(common + ["--jobs", "1", "--draws", a, "--report", report])
        XCTAssertEqual(r1.status, 0, r1.err)
        XCTAssertTrue(r1.out.contains("mean error"))
        let r2 = try sampo(common + ["--jobs", "2", "--draws", b])
        XCTAssertEqual(r2.status, 0, r2.err)
        let da = try Data(contentsOf: URL(fileURLWithPath: a)), db = try Data(contentsOf: URL(fileURLWithPath: b))
        XCTAssertEqual(da, db)
        let text = String(decoding: da, as: UTF8.self)
        XCTAssertTrue(text.contains("# seed: 5\n"))
        XCTAssertEqual(text.split(separator: "\n").filter { !$0.hasPrefix("#") }.count, 1 + 3 * 2000)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        XCTAssertEqual(json?["sampler"] as? String, "mala")
        XCTAssertEqual((json?["acceptance_per_chain"] as? [Double])?.count, 3)
        XCTAssertEqual(json?["gradient_evaluations"] as? Int, 3 * (2000 + 1000 + 1))
        XCTAssertEqual((json?["diverged_chains"] as? [Int])?.count, 0)
    }

    func testExactAndDensity() throws {
        let draws = tmp("exact.csv")
        let r = try sampo(["exact", "--target", "lau-gmm", "--count", "100", "--draws", draws])
        XCTAssertEqual(r.status, 0, r.err)
        let points = tmp("points.csv"), out = tmp("density.csv")
        try "x1,x2\n0.5,-1\n".write(toFile: points, atomically: true, encoding: .utf8)
        let d = try sampo(["density", "--target", "lau-gmm", "--points", points, "--out", out])
        XCTAssertEqual(d.status, 0, d.err)
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines[0], "x1,x2,log_density,grad1,grad2")
        let cells = lines[1].split(separator: ",").compactMap { Double($0) }
        XCTAssertEqual(cells[2], -3.7297546637953, accuracy: 1e-12)
    }

    func testBadUsageExitsWithStatus2AndAMessage() throws {
        let cases: [([String], String)] = [
            (["sample", "--target", "lau-gmm", "--sampler", "gibbs"], "unknown sampler 'gibbs'"),
            (["sample", "--target", "lau-gmm", "--sampler", "nuts", "--adapt", "maybe"], "The value 'maybe' is invalid for '--adapt <adapt>': expected on or off"),
            (["sample", "--target", "lau-gmm", "--sampler", "ula", "--adapt", "on"], "has no acceptance step to adapt"),
            (["sample", "--target", "lau-gmm", "--sampler", "nuts", "--set", "max_depth=30"], "max_depth"),
            (["sample", "--target", "lau-gmm", "--sampler", "hmc", "--set", "jitter=1"], "jitter"),
            (["sample", "--target", "lau-gmm", "--sampler", "mala", "--step-size", "-1"], "--step-size"),
            (["sample", "--target", "lau-gmm", "--sampler", "mala", "--chains", "0"], "--chains"),
            (["sample", "--target", "lau-gmm", "--sampler", "mala", "--steps", "many"], "many"),
            (["sample", "--target", "nowhere.toml", "--sampler", "mala"], "nowhere.toml: target file not found"),
            (["sample", "--target", "lau-gmm", "--sampler", "mala", "--set", "lambda=1"], "no parameter 'lambda'"),
            (["exact", "--target", "lau-gmm", "--count", "ten", "--draws", "x.csv"], "ten"),
            // Negative numbers reach the validation that says what is expected (not "missing value").
            (["sample", "--target", "lau-gmm", "--sampler", "mala", "--step-size", "-0.1"],
             "--step-size: expected a positive finite number for sampler 'mala', found -0.1"),
            (["sample", "--target", "lau-gmm", "--sampler", "mala", "--steps", "-5"], "--steps: expected at least 1 step, found -5"),
            (["sample", "--target", "lau-gmm", "--sampler", "mala", "--steps", "10", "--thin", "20"], "--thin: 20 keeps no draw of 10 steps"),
            (["sample", "--target", "lau-gmm", "--sampler", "mala", "--warmup", "9223372036854775807"], "--warmup: warmup + steps overflows"),
            (["sample", "--target", "lau-gmm", "--sampler", "smc", "--step-size", "0.1"], "--step-size: sampler 'smc' takes no step size"),
        ]
        for (args, expected) in cases {
            let r = try sampo(args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.err)")
            XCTAssertTrue(r.err.contains(expected), "\(args): \(r.err)")
        }
    }

    func testPlotCoordinateOutOfRangeAndNonFinitePoints() throws {
        let draws = tmp("plot-draws.csv")
        XCTAssertEqual(try sampo(["exact", "--target", "lau-gmm", "--count", "50", "--draws", draws]).status, 0)
        for kind in ["trace", "acf"] {
            for c in ["0", "3", "-1"] {
                let r = try sampo(["plot", kind, "--draws", draws, "--coordinate", c, "--out", tmp("p.png")])
                XCTAssertEqual(r.status, 2, "\(kind) \(c): \(r.err)")
                XCTAssertTrue(r.err.contains("--coordinate: expected 1 … 2"), r.err)
            }
        }
        try assertDensityRefuses("x1,x2\n0.5,-1\n1,inf\n", saying: "row 2, column 'x2': expected a finite number, found inf")
    }

    /// `density --target lau-gmm` on points `csv` exits 2 with a message containing `expected`.
    private func assertDensityRefuses(_ csv: String, saying expected: String, line: UInt = #line) throws {
        let points = tmp("refused-points.csv")
        try csv.write(toFile: points, atomically: true, encoding: .utf8)
        let d = try sampo(["density", "--target", "lau-gmm", "--points", points])
        XCTAssertEqual(d.status, 2, d.err, line: line)
        XCTAssertTrue(d.err.contains(expected), d.err, line: line)
    }

    /// Stan's sampler warnings and ArviZ's convergence checks reach stderr, the report's typed
    /// `warnings` and the summary's metadata (NUTS as Stan runs it diverges on the funnel).
    func testWarningsReachStderrReportAndSummary() throws {
        let report = tmp("funnel-report.json"), summary = tmp("funnel-summary.csv")
        let r = try sampo(["sample", "--target", "funnel", "--sampler", "nuts", "--set", "metric=diag", "--set", "adaptation=stan",
                           "--steps", "1000", "--seed", "1", "--report", report, "--summary", summary])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.err.contains("warning: ") && r.err.contains("transitions after warm-up diverged"), r.err)
        XCTAssertTrue(r.err.contains("R-hat > 1.01"), r.err)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any])
        let warnings = try XCTUnwrap(json["warnings"] as? [[String: Any]])
        let divergent = warnings.filter { $0["kind"] as? String == "divergent_transitions" }
        XCTAssertFalse(divergent.isEmpty, "\(warnings)")
        // Chains from 1 in files; the counts are the report's own per-chain divergences.
        let perChain = try XCTUnwrap(json["divergent_transitions_per_chain"] as? [Int])
        for w in divergent {
            let c = try XCTUnwrap(w["chain"] as? Int)
            XCTAssertEqual(w["value"] as? Double, Double(perChain[c - 1]))
        }
        XCTAssertTrue(warnings.contains { $0["kind"] as? String == "rhat" && $0["parameter"] as? String == "x1" }, "\(warnings)")
        let meta = try String(contentsOfFile: summary, encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix("# warning: ") }
        XCTAssertTrue(meta.contains { $0.contains("transitions after warm-up diverged") }, "\(meta)")
        // No false alarm on a well-conditioned run.
        let quiet = try sampo(["sample", "--target", "gaussian-illcond", "--sampler", "nuts", "--steps", "1000", "--seed", "1"])
        XCTAssertEqual(quiet.status, 0, quiet.err)
        XCTAssertFalse(quiet.err.contains("warning"), quiet.err)
    }

    /// Issue 28's hostile-input probe, on the command line: each was a silent wrong result.
    func testOneFileForTwoOutputsAndFlagsAnExperimentWouldIgnoreAreRefused() throws {
        let file = tmp("both.csv")
        let link = tmp("both-link.csv")
        try? FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: file)
        for second in [file, link, tmp("../\(URL(fileURLWithPath: tmp("x")).deletingLastPathComponent().lastPathComponent)/both.csv")] {
            let r = try sampo(["sample", "--target", "lau-gmm", "--sampler", "mala", "--steps", "10", "--draws", file, "--summary", second])
            XCTAssertEqual(r.status, 2, r.err)
            XCTAssertTrue(r.err.contains("--draws and --summary name the same file"), r.err)
        }
        // /dev/null takes any number of outputs.
        let null = try sampo(["sample", "--target", "lau-gmm", "--sampler", "mala", "--steps", "10", "--draws", "/dev/null", "--summary", "/dev/null"])
        XCTAssertEqual(null.status, 0, null.err)
        let experiment = tmp("grid.toml")
        try "targets = [\"lau-gmm\"]\nseeds = \"1\"\nbudget = 200\n[[samplers]]\nname = \"mala\"\n".write(toFile: experiment, atomically: true, encoding: .utf8)
        let r = try sampo(["compare", "--experiment", experiment, "--targets", "funnel", "--seeds", "2", "--out", tmp("grid.csv")])
        XCTAssertEqual(r.status, 2, r.err)
        XCTAssertTrue(r.err.contains("--targets, --seeds and --experiment"), r.err)
    }

    /// Issue 28's probe on `diagnose`, `density` and numeric flags: each was silently wrong or said "Missing value".
    func testDiagnoseAndDensityRefuseWhatTheyWouldMisread() throws {
        let draws = tmp("diag-draws.csv")
        XCTAssertEqual(try sampo(["sample", "--target", "lau-gmm", "--sampler", "mala", "--steps", "200", "--draws", draws]).status, 0)
        // One file given twice would count its chains twice.
        let twice = try sampo(["diagnose", draws, draws])
        XCTAssertEqual(twice.status, 2, twice.err)
        XCTAssertTrue(twice.err.contains("are the same file"), twice.err)
        // A renamed draw column: refused, not read as a Stan file with the chains pooled.
        let renamed = tmp("renamed.csv")
        try String(contentsOfFile: draws, encoding: .utf8).replacingOccurrences(of: "chain,draw,", with: "chain,iteration,")
            .write(toFile: renamed, atomically: true, encoding: .utf8)
        let r = try sampo(["diagnose", renamed])
        XCTAssertEqual(r.status, 2, r.err)
        XCTAssertTrue(r.err.contains("'draw' is missing"), r.err)
        // Stan's sampler columns shifted by a missing lp__.
        let stan = tmp("shifted.csv")
        try "accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,theta\n-5.07,0.9,1,3,0,1.2,0.5\n-4.9,0.9,2,3,0,1.1,0.4\n"
            .write(toFile: stan, atomically: true, encoding: .utf8)
        let s = try sampo(["diagnose", stan])
        XCTAssertEqual(s.status, 2, s.err)
        XCTAssertTrue(s.err.contains("column accept_stat__, draw 1: -5.07 is not in [0, 1]"), s.err)
        // density: a column that is no coordinate is named.
        try assertDensityRefuses("x1,x2,x3\n0.5,-1,7\n", saying: "column 'x3' is not a coordinate")
        // Negative numbers reach the check that says what is expected.
        for (args, expected) in [(["sample", "--target", "lau-gmm", "--sampler", "mala", "--seed", "-1"], "expected a whole number from 0"),
                                 (["sample", "--target", "lau-gmm", "--sampler", "mala", "--moments", tmp("m.csv"), "--quantiles", "-0.1"],
                                  "expected probabilities strictly between 0 and 1"),
                                 (["bias", "--target", "lau-gmm", "--step-sizes", "-1"], "expected positive numbers")] {
            let q = try sampo(args)
            XCTAssertEqual(q.status, 2, q.err)
            XCTAssertTrue(q.err.contains(expected) && !q.err.contains("Missing value"), "\(args): \(q.err)")
        }
    }

    func testWritingThroughASymbolicLinkReplacesItsTargetAndKeepsTheLink() throws {
        let target = tmp("report-target.json"), link = tmp("report-link.json")
        try? FileManager.default.removeItem(atPath: link)
        try "old".write(toFile: target, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: URL(fileURLWithPath: target).lastPathComponent)
        let r = try sampo(["sample", "--target", "lau-gmm", "--sampler", "mala", "--steps", "10", "--report", link])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), URL(fileURLWithPath: target).lastPathComponent)
        XCTAssertTrue(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("{"))
    }

    func testAcceptanceZeroEverywhereIsWarned() throws {
        let r = try sampo(["sample", "--target", "lau-gmm", "--sampler", "rwm", "--step-size", "1e6", "--steps", "200",
                           "--warmup", "0"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.err.contains("every chain rejected every proposal"), r.err)
    }

    func testAllChainsDivergingIsARuntimeFailure() throws {
        let r = try sampo(["sample", "--target", "lau-gmm", "--sampler", "ula", "--step-size", "5", "--steps", "2000"])
        XCTAssertEqual(r.status, 1, r.err)
        XCTAssertTrue(r.err.contains("diverged"))
        XCTAssertFalse(r.out.contains("nan"))
    }

    func testDiagnoseStanFilesAndReference() throws {
        let fixtures = TestSupport.root.appendingPathComponent("Tests/Fixtures/stan").path
        let out = tmp("stan-summary.csv")
        let r = try sampo(["diagnose"] + (1...4).map { "\(fixtures)/bern\($0).csv" } + ["--out", out])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("divergent transitions: 0"))
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        XCTAssertEqual(lines[0], "parameter,mean,sd,mcse_mean,mcse_sd,q05,q50,q95,ess_bulk,ess_tail,rhat")
        XCTAssertTrue(lines[2].hasPrefix("theta,0.2512974"))

        let draws = tmp("ref-draws.csv")
        XCTAssertEqual(try sampo(["sample", "--target", "lau-gmm", "--sampler", "rwm", "--step-size", "2", "--steps", "4000",
                                  "--draws", draws]).status, 0)
        let d = try sampo(["diagnose", draws, "--reference", "lau-gmm"])
        XCTAssertEqual(d.status, 0, d.err)
        for key in ["sliced W₂", "energy distance", "KSD (IMQ)", "mode-weight TV", "mean error"] {
            XCTAssertTrue(d.out.contains(key), key)
        }
        let bad = try sampo(["diagnose", "\(fixtures)/bern1.csv", "--reference", "lau-gmm"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.err.contains("the draws need columns x1,x2"), bad.err)
        let missing = try sampo(["diagnose", "/nonexistent.csv"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.err.contains("/nonexistent.csv: file not found"), missing.err)
    }

    /// `sampo density` and `sampo exact` work for every shipped target (exact draws are refused
    /// with a clear message where none exist).
    func testDensityAndExactForEveryShippedTarget() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: TestSupport.root.appendingPathComponent("targets").path)
            .filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 16)
        let listing = try sampo(["targets"])
        for name in names {
            XCTAssertTrue(listing.out.contains(name), name)
            let d = try TestSupport.target(name).dimension
            let points = tmp("points-\(name).csv")
            try ((1...d).map { "x\($0)" }.joined(separator: ",") + "\n" + (1...d).map { _ in "0.25" }.joined(separator: ",") + "\n")
                .write(toFile: points, atomically: true, encoding: .utf8)
            let r = try sampo(["density", "--target", name, "--points", points])
            XCTAssertEqual(r.status, 0, "\(name): \(r.err)")
            XCTAssertEqual(r.out.split(separator: "\n").count, 2, name)
            let e = try sampo(["exact", "--target", name, "--count", "5", "--draws", tmp("exact-\(name).csv")])
            if ["double-well", "mueller-brown", "lau-gmm-l1prior", "funnel-expression", "rosenbrock-expression",
                "pima-logistic", "sonar-logistic", "sonar-sparse", "phantom-deblur"].contains(name) {
                XCTAssertEqual(e.status, 2, name)
                XCTAssertTrue(e.err.contains("has no exact sampler"), e.err)
            } else {
                XCTAssertEqual(e.status, 0, "\(name): \(e.err)")
            }
        }
    }

    /// The reported peak is the program's own: a process started by a parent that holds 300 MB
    /// (as this test process may, late in the suite) must not report the parent's peak, which
    /// getrusage's ru_maxrss carries across vfork + exec.
    func testPeakMemoryIsTheProgramsOwnNotItsParents() throws {
        let bytes = 300 << 20
        let ballast = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 4096)
        defer { ballast.deallocate() }
        for page in stride(from: 0, to: bytes, by: 4096) { ballast.storeBytes(of: UInt8(1), toByteOffset: page, as: UInt8.self) }
        let report = tmp("own-peak.json")
        let r = try sampo(["sample", "--target", "lau-gmm", "--sampler", "mala", "--steps", "1000", "--report", report])
        XCTAssertEqual(r.status, 0, r.err)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        let peak = try XCTUnwrap(json?["peak_memory_mb"] as? Double)
        XCTAssertGreaterThan(peak, 1)
        XCTAssertLessThan(peak, 150, "a 2-d run beside a 300 MB parent")
        XCTAssertTrue(r.out.contains("peak memory"), r.out)
    }

    /// --moments, --quantiles and --init target refuse what they cannot do, with exit 2.
    /// A 256 × 256 image posterior (d = 65 536), 10⁴ steps with running moments and every 25th
    /// draw streamed to disk: 400 kept draws are 210 MB, yet the process peaks under 200 MB (its
    /// own high-water mark, VmHWM, in the report). A Gaussian prior keeps the steps cheap; memory does not
    /// depend on the prior.
    func testImageRunMemoryStaysBounded() throws {
        let target = tmp("deblur256.toml")
        try """
        family = "deconvolution"
        image = "phantom"
        size = 256
        blur = { kind = "uniform", width = 9 }
        snr_db = 40
        noise_seed = 1
        [prior]
        kind = "gaussian"
        scale = 0.3
        """.write(toFile: target, atomically: true, encoding: .utf8)
        let moments = tmp("deblur-moments.csv"), draws = tmp("deblur-draws.csv"), report = tmp("deblur-report.json")
        defer { try? FileManager.default.removeItem(atPath: draws) }
        let r = try sampo(["sample", "--target", target, "--sampler", "myula", "--chains", "1", "--steps", "10000", "--warmup", "0",
                           "--thin", "25", "--quantiles", "0.5", "--moments", moments, "--draws", draws, "--report", report])
        XCTAssertEqual(r.status, 0, r.err)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        let peak = try XCTUnwrap(json?["peak_memory_mb"] as? Double)
        XCTAssertGreaterThan(peak, 10)
        XCTAssertLessThan(peak, 200, "peak resident memory of a d = 65 536 run")
        let momentRows = try String(contentsOfFile: moments, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        XCTAssertEqual(momentRows.count, 1 + 65_536)
        XCTAssertEqual(momentRows.first, "parameter,mean,variance,q50")
        // The draws file: header and 400 rows, counted without loading 530 MB.
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: draws))
        defer { try? handle.close() }
        var lines = 0, comments = 0, atLineStart = true
        while let chunk = try handle.read(upToCount: 1 << 22), !chunk.isEmpty {
            for byte in chunk {
                if atLineStart && byte == UInt8(ascii: "#") { comments += 1 }
                atLineStart = byte == 0x0A
                if atLineStart { lines += 1 }
            }
        }
        XCTAssertEqual(lines - comments, 1 + 400)
    }

    /// `compare` on an image posterior runs the proximal samplers as `sample` does — from the
    /// observation, at the family's step size (λ = 1/L_f, h = 1/(L_f + 1/λ)) — and fills PSNR and SSIM.
    func testCompareOnAnImagePosterior() throws {
        let target = tmp("deblur64.toml")
        try String(contentsOfFile: TestSupport.root.appendingPathComponent("targets/phantom-deblur.toml").path, encoding: .utf8)
            .replacingOccurrences(of: "size = 128", with: "size = 64").write(toFile: target, atomically: true, encoding: .utf8)
        let out = tmp("deblur-compare.csv")
        let r = try sampo(["compare", "--targets", target, "--samplers", "myula,psgla", "--seeds", "1", "--budget", "300", "--out", out])
        XCTAssertEqual(r.status, 0, r.err)
        let rows = try ComparisonCSV.read(out)
        XCTAssertEqual(rows.count, 2)
        let listing = try sampo(["sample", "--target", target, "--sampler", "myula", "--steps", "10", "--warmup", "0", "--chains", "1"])
        let h = try XCTUnwrap(listing.out.components(separatedBy: "h = ").dropFirst().first?.split(separator: ",").first.flatMap { Double($0) })
        XCTAssertLessThan(h, 1e-4)
        for row in rows {
            XCTAssertEqual(row.values["diverged_chains"] ?? nil, 0, row.sampler)
            XCTAssertEqual(try XCTUnwrap(row.values["step_size"] ?? nil), h, accuracy: 1e-12 * h, row.sampler)
            let psnr = try XCTUnwrap(row.values["psnr"] ?? nil), ssim = try XCTUnwrap(row.values["ssim"] ?? nil)
            XCTAssertGreaterThan(psnr, 10, row.sampler); XCTAssertLessThan(psnr, 40, row.sampler)
            XCTAssertGreaterThan(ssim, 0, row.sampler); XCTAssertLessThanOrEqual(ssim, 1, row.sampler)
        }
    }

    func testMomentsAndInitRefuseWhatTheyCannotDo() throws {
        let cases: [([String], String)] = [
            (["--target", "gmm25", "--sampler", "smc", "--moments", tmp("m.csv")], "--moments: streams the draws of Markov chains"),
            (["--target", "gmm25", "--sampler", "smc", "--init", "zero"], "--init: 'smc' draws its own initial particles"),
            (["--target", "gmm25", "--sampler", "mala", "--moments", tmp("m.csv"), "--quantiles", "0.5,1.2"], "invalid for '--quantiles <quantiles>': expected probabilities strictly between 0 and 1, found '1.2'"),
            (["--target", "gmm25", "--sampler", "mala", "--init", "target"], "--init target: gmm25 has no natural start"),
            (["--target", "gmm25", "--sampler", "mala", "--init", "uniform"], "The value 'uniform' is invalid for '--init <init>': expected normal, zero, target or stan"),
        ]
        for (args, expected) in cases {
            let r = try sampo(["sample"] + args)
            XCTAssertEqual(r.status, 2, args.joined(separator: " "))
            XCTAssertTrue(r.err.contains(expected), r.err)
        }
        // The listing states the imaging defaults of the proximal samplers.
        let listing = try sampo(["samplers"])
        XCTAssertEqual(listing.status, 0)
        let myula = listing.out.components(separatedBy: "\nmymala")[0].components(separatedBy: "\nmyula")
        XCTAssertEqual(myula.count, 2)
        XCTAssertTrue(myula.last?.contains("λ = 1/L_f and h = 1/(L_f + 1/λ)") == true, listing.out)
    }

    /// Two targets × three samplers × two seeds through the CLI, sharded and merged.
    func testCompareEndToEnd() throws {
        let whole = tmp("compare.csv")
        let r = try sampo(["compare", "--targets", "lau-gmm,gmm25", "--samplers", "ula,mala,rwm", "--seeds", "1-2",
                           "--budget", "3000", "--out", whole, "--progress"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.err.contains("[12/12]"), r.err)
        var parts: [String] = []
        for i in 1...2 {
            let p = tmp("compare-shard\(i).csv")
            XCTAssertEqual(try sampo(["compare", "--targets", "lau-gmm,gmm25", "--samplers", "ula,mala,rwm", "--seeds", "1-2",
                                      "--budget", "3000", "--out", p, "--shard", "\(i)/2"]).status, 0)
            parts.append(p)
        }
        let merged = tmp("compare-merged.csv")
        XCTAssertEqual(try sampo(["merge"] + parts + ["--out", merged]).status, 0)
        // The `# grid:` line (what the rows depend on) comes first and is kept by the merge.
        func stripped(_ path: String) throws -> [String] {
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            XCTAssertTrue(lines[0].hasPrefix("# grid: sampo "), lines[0])
            let header = lines[1].split(separator: ",").map(String.init)
            let timing = ComparisonRow.timingColumns.compactMap { header.firstIndex(of: $0) }
            XCTAssertEqual(timing.count, 2)   // wall_seconds, ess_per_second
            return lines.map { line in
                if line.hasPrefix("#") { return line }
                var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                for k in timing { cells[k] = "" }
                return cells.joined(separator: ",")
            }
        }
        XCTAssertEqual(try stripped(whole), try stripped(merged))
        XCTAssertEqual(try stripped(whole).count, 1 + 13)
        let bad = try sampo(["compare", "--targets", "lau-gmm", "--samplers", "gibbs"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.err.contains("unknown sampler 'gibbs'"), bad.err)
        let dup = try sampo(["merge", parts[0], parts[0], "--out", tmp("dup.csv")])
        XCTAssertEqual(dup.status, 2)
        XCTAssertTrue(dup.err.contains("appears in more than one file"), dup.err)
    }

    /// Every figure kind renders a real PNG or SVG through gnuplot.
    func testPlots() throws {
        let draws = tmp("plot-draws.csv")
        XCTAssertEqual(try sampo(["sample", "--target", "lau-gmm", "--sampler", "mala", "--step-size", "0.3", "--steps", "2000",
                                  "--draws", draws]).status, 0)
        let comparison = tmp("plot-comparison.csv")
        XCTAssertEqual(try sampo(["compare", "--targets", "lau-gmm", "--samplers", "ula,mala", "--budget", "2000",
                                  "--out", comparison]).status, 0)
        let bias = tmp("plot-bias.csv")
        XCTAssertEqual(try sampo(["bias", "--target", "gaussian-illcond", "--samplers", "ula,rlmc", "--step-sizes", "0.001,0.004",
                                  "--out", bias]).status, 0)
        // An image posterior (64 × 64 phantom), sampled into running moments only.
        let image = TestSupport.write(TestSupport.phantom64, name: "phantom64.toml")
        let moments = tmp("plot-moments.csv")
        let sampled = try sampo(["sample", "--target", image, "--sampler", "myula", "--steps", "200", "--warmup", "0", "--chains", "2",
                                 "--moments", moments])
        XCTAssertEqual(sampled.status, 0, sampled.err)
        XCTAssertTrue(sampled.out.contains("PSNR of the mean"), sampled.out)
        let cases: [[String]] = [
            ["scatter", "--draws", draws, "--target", "lau-gmm"], ["trace", "--draws", draws], ["acf", "--draws", draws],
            ["modes", "--draws", draws, "--target", "lau-gmm"], ["budget", "--comparison", comparison, "--metric", "ksd"],
            ["bias", "--bias", bias], ["image", "--moments", moments, "--target", image],
        ]
        for (k, args) in cases.enumerated() {
            for ext in ["png", "svg"] {
                let out = tmp("figure\(k).\(ext)")
                let r = try sampo(["plot"] + args + ["--out", out])
                XCTAssertEqual(r.status, 0, "\(args[0]): \(r.err)")
                let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
                if ext == "png" { XCTAssertEqual(Array(bytes.prefix(4)), [0x89, 0x50, 0x4E, 0x47], args[0]) } else {
                    XCTAssertTrue(String(decoding: bytes, as: UTF8.self).contains("<svg"), args[0])
                }
            }
        }
        let notImage = try sampo(["plot", "image", "--moments", moments, "--target", "lau-gmm", "--out", tmp("x.png")])
        XCTAssertEqual(notImage.status, 2)
        XCTAssertTrue(notImage.err.contains("not an image posterior"), notImage.err)
        let wrongSize = try sampo(["plot", "image", "--moments", comparison, "--target", image, "--out", tmp("x.png")])
        XCTAssertEqual(wrongSize.status, 2)
        XCTAssertTrue(wrongSize.err.contains("not a moments file"), wrongSize.err)
        let bad = try sampo(["plot", "pie", "--out", tmp("x.png")])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.err.contains("unknown kind 'pie'"))
        let badExt = try sampo(["plot", "trace", "--draws", draws, "--out", tmp("x.jpg")])
        XCTAssertEqual(badExt.status, 2)
        XCTAssertTrue(badExt.err.contains("expected a .png or .svg file"))
    }

    /// Ctrl-C during a comparison stops after the run in progress and keeps the finished rows.
    func testInterruptKeepsFinishedRows() throws {
        let out = tmp("interrupted.csv")
        let p = Process()
        p.executableURL = try executable
        p.arguments = ["compare", "--targets", "lau-gmm,gmm25", "--samplers", "ula,mala,rwm", "--seeds", "1-20",
                       "--budget", "20000", "--out", out]
        p.currentDirectoryURL = TestSupport.root
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait until at least one row has been written, then interrupt.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: out, encoding: .utf8), text.split(separator: "\n").count >= 2 { break }
            usleep(50_000)
        }
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let rows = try ComparisonCSV.read(out)
        XCTAssertGreaterThanOrEqual(rows.count, 1)
        XCTAssertLessThan(rows.count, 120)
    }

    private func sampo(_ args: [String], input: String) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = try executable
        p.arguments = args
        p.currentDirectoryURL = TestSupport.root
        let inp = Pipe(), out = Pipe(), err = Pipe()
        p.standardInput = inp; p.standardOutput = out; p.standardError = err
        try p.run()
        inp.fileHandleForWriting.write(Data(input.utf8))
        try inp.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func testDashMeansStandardOutputAndStandardInput() throws {
        let target = try String(contentsOf: TestSupport.root.appendingPathComponent("targets/lau-gmm.toml"), encoding: .utf8)
        let r = try sampo(["sample", "--target", "-", "--sampler", "mala", "--steps", "20", "--warmup", "0", "--chains", "2",
                           "--draws", "-"], input: target)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.hasPrefix("# sampo: draws\n"), String(r.out.prefix(100)))
        XCTAssertEqual(r.out.split(separator: "\n").filter { !$0.hasPrefix("#") }.count, 1 + 2 * 20)
        XCTAssertTrue(r.err.contains("acceptance per chain"), "the report goes to stderr when stdout carries the draws")
        let two = try sampo(["sample", "--target", "lau-gmm", "--sampler", "mala", "--draws", "-", "--summary", "-"])
        XCTAssertEqual(two.status, 2)
        XCTAssertTrue(two.err.contains("only one output can go to standard output"), two.err)
        // A draws file read from standard input.
        let d = try sampo(["diagnose", "-"], input: "chain,draw,x1\n1,1,0.5\n1,2,0.25\n1,3,0.75\n1,4,0.5\n")
        XCTAssertEqual(d.status, 0, d.err)
        XCTAssertTrue(d.out.contains("1 chains × 4 draws"), d.out)
    }

    /// A long run's convergence check without --summary or --report uses every k-th draw (at most
    /// 2¹⁸ per chain) and says so; with a summary asked for, every draw, as in the file.
    func testLongRunChecksThinnedDrawsUnlessASummaryIsAsked() throws {
        let args = ["sample", "--target", "lau-gmm-n1", "--sampler", "mala", "--steps", "600000", "--warmup", "200",
                    "--chains", "2", "--seed", "4"]
        let quick = try sampo(args)
        XCTAssertEqual(quick.status, 0, quick.err)
        XCTAssertTrue(quick.out.contains("max R-hat") && quick.out.contains("(of every 3rd draw)"), quick.out)
        let summary = tmp("thinned-check-summary.csv")
        let full = try sampo(args + ["--summary", summary])
        XCTAssertEqual(full.status, 0, full.err)
        XCTAssertTrue(full.out.contains("max R-hat") && !full.out.contains("of every"), full.out)
        let rows = try String(contentsOfFile: summary, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        let rhat = try XCTUnwrap(rows.dropFirst().compactMap { Double($0.split(separator: ",").last ?? "") }.max())
        XCTAssertTrue(full.out.contains(String(format: "max R-hat              %.4f", rhat)), full.out)
    }

    /// `cluster submit --dry-run` writes an array script and a merge script; run by hand with the
    /// variables Slurm sets, the shards merge into the rows of the unsharded grid (timing aside);
    /// `status` counts them; a finished task exits at once; `compare --shard auto` reads the array
    /// task; `--resume` keeps the rows a stopped shard wrote. (A real Slurm: `make cluster-test`.)
    func testClusterScriptsRunAsSlurmWouldRunThem() throws {
        let dir = tmp("cluster-\(getpid())")
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let experiment = dir + "/grid.toml"
        try FileManager.default.copyItem(atPath: TestSupport.root.appendingPathComponent("Tests/Fixtures/cluster-grid.toml").path,
                                         toPath: experiment)
        let out = dir + "/run"
        let submit = try sampo(["cluster", "submit", experiment, "--tasks", "4", "--out", out, "--dry-run"])
        XCTAssertEqual(submit.status, 0, submit.err)
        let array = try String(contentsOfFile: out + "/array.sbatch", encoding: .utf8)
        for line in ["#SBATCH --array=1-4", "#SBATCH --signal=B:TERM@60", "#SBATCH --requeue", "--shard \"$i/4\"", "--resume"] {
            XCTAssertTrue(array.contains(line), line)
        }
        func bash(_ script: String, _ environment: [String: String] = [:]) throws -> (Int32, String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = [script]
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            let pipe = Pipe()
            p.standardOutput = pipe; p.standardError = pipe
            try p.run()
            let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return (p.terminationStatus, text)
        }
        for i in 1...4 {
            let (status, text) = try bash(out + "/array.sbatch", ["SLURM_ARRAY_TASK_ID": "\(i)"])
            XCTAssertEqual(status, 0, text)
        }
        let again = try bash(out + "/array.sbatch", ["SLURM_ARRAY_TASK_ID": "2"])
        XCTAssertTrue(again.1.contains("shard 2 of 4: done before"), again.1)
        let merged = try bash(out + "/merge.sbatch")
        XCTAssertEqual(merged.0, 0, merged.1)
        let whole = dir + "/whole.csv"
        let unsharded = try sampo(["compare", "--experiment", experiment, "--out", whole])
        XCTAssertEqual(unsharded.status, 0, unsharded.err)
        func untimed(_ rows: [ComparisonRow]) -> [String: [String]] {
            Dictionary(uniqueKeysWithValues: rows.map { r in
                (r.key, ComparisonRow.columns.filter { !ComparisonRow.timingColumns.contains($0) }.map { r.cell($0) })
            })
        }
        let shardedRows = try ComparisonCSV.read(out + "/comparison.csv")
        XCTAssertEqual(shardedRows.count, 12)
        XCTAssertEqual(untimed(shardedRows), untimed(try ComparisonCSV.read(whole)))
        let status = try sampo(["cluster", "status", out])
        XCTAssertEqual(status.status, 0, status.err)
        XCTAssertTrue(status.out.contains("4 done, 0 running, 0 pending, 0 failed") && status.out.contains("12 of 12 done")
                      && status.out.contains("merged   12 rows"), status.out)

        // --shard auto: task 0 of an array from 0 with 4 tasks is shard 1.
        let auto = dir + "/auto.csv"
        let p = Process()
        p.executableURL = try executable
        p.arguments = ["compare", "--experiment", experiment, "--shard", "auto", "--out", auto]
        p.environment = ProcessInfo.processInfo.environment.merging(
            ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "4"]) { $1 }
        p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
        try p.run(); p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let first = try ComparisonCSV.read(out + "/shards/shard-1-of-4.csv")
        XCTAssertEqual(untimed(try ComparisonCSV.read(auto)), untimed(first))
        XCTAssertThrowsError(try ComparisonGrid.slurmShard(environment: [:]))
        XCTAssertEqual(try ComparisonGrid.slurmShard(environment: ["SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "5",
                                                                  "SLURM_ARRAY_TASK_MAX": "8"]).0, 3)
        XCTAssertThrowsError(try ComparisonGrid.slurmShard(environment: ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1",
                                                                        "SLURM_ARRAY_TASK_COUNT": "2", "SLURM_ARRAY_TASK_STEP": "2"]))

        // --resume: a shard stopped after its first cell continues with the others only.
        let stopped = dir + "/stopped.csv"
        let grid = try XCTUnwrap(try ComparisonCSV.metadata(out + "/shards/shard-1-of-4.csv")["grid"])
        XCTAssertEqual(try ComparisonCSV.metadata(out + "/comparison.csv")["grid"], grid, "the merged table keeps its grid")
        try ComparisonCSV.write(Array(first.prefix(1)), to: stopped, metadata: [("grid", grid)])
        let resumed = try sampo(["compare", "--experiment", experiment, "--shard", "1/4", "--resume", "--out", stopped])
        XCTAssertEqual(resumed.status, 0, resumed.err)
        XCTAssertTrue(resumed.err.contains("--resume: 1 of 3 cells already in"), resumed.err)
        let continued = try ComparisonCSV.read(stopped)
        XCTAssertEqual(continued[0], first[0], "the kept row is kept as it was, timing included")
        XCTAssertEqual(untimed(continued), untimed(first))
        // A row of another grid (shard 2's) is refused, not mixed in.
        try ComparisonCSV.write(Array(try ComparisonCSV.read(out + "/shards/shard-2-of-4.csv").prefix(1)), to: stopped, metadata: [("grid", grid)])
        let foreign = try sampo(["compare", "--experiment", experiment, "--shard", "1/4", "--resume", "--out", stopped])
        XCTAssertEqual(foreign.status, 2)
        XCTAssertTrue(foreign.err.contains("is not a cell of this grid (shard 1/4)"), foreign.err)

        // A task stopped by Slurm's TERM (time limit, pre-emption) keeps its finished rows, says so, and
        // the next run of the task continues them: the shard ends with every row, as run at once.
        let slow = dir + "/slow.toml"
        try "targets = [\"lau-gmm\"]\nseeds = \"1-3\"\nbudget = 300000\nchains = 2\n[[samplers]]\nname = \"mala\"\nstep_size = 0.2\n"
            .write(toFile: slow, atomically: true, encoding: .utf8)
        let slowOut = dir + "/slow"
        XCTAssertEqual(try sampo(["cluster", "submit", slow, "--tasks", "1", "--out", slowOut, "--dry-run"]).status, 0)
        let task = Process()
        task.executableURL = URL(fileURLWithPath: "/bin/bash")
        task.arguments = [slowOut + "/array.sbatch"]
        task.environment = ProcessInfo.processInfo.environment.merging(["SLURM_ARRAY_TASK_ID": "1"]) { $1 }
        task.standardOutput = FileHandle.nullDevice; task.standardError = FileHandle.nullDevice
        try task.run()
        let partial = slowOut + "/shards/shard-1-of-1.partial.csv"
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, ((try? ComparisonCSV.read(partial))?.count ?? 0) < 1 { usleep(20_000) }
        kill(task.processIdentifier, SIGTERM)
        task.waitUntilExit()
        // Stopped while a cell was sampling, compare checkpoints that cell and exits 3; while it was
        // measuring one, it keeps that row and exits 143.
        XCTAssertTrue([3, 143].contains(task.terminationStatus), "\(task.terminationStatus)")
        let kept = try ComparisonCSV.read(partial)
        XCTAssertTrue((1...2).contains(kept.count), "\(kept.count) rows kept")
        XCTAssertEqual(try String(contentsOfFile: slowOut + "/shards/shard-1-of-1.failed", encoding: .utf8),
                       task.terminationStatus == 3 ? "stopped by a signal; the cell in progress was checkpointed; the next run continues\n"
                                                   : "stopped by signal 15; the next run continues\n")
        XCTAssertTrue(try sampo(["cluster", "status", slowOut]).out.contains("1 failed"))
        let rerun = try bash(slowOut + "/array.sbatch", ["SLURM_ARRAY_TASK_ID": "1"])
        XCTAssertEqual(rerun.0, 0, rerun.1)
        let finishedShard = try ComparisonCSV.read(slowOut + "/shards/shard-1-of-1.csv")
        XCTAssertEqual(Array(finishedShard.prefix(kept.count)), kept)
        let slowWhole = dir + "/slow-whole.csv"
        XCTAssertEqual(try sampo(["compare", "--experiment", slow, "--out", slowWhole]).status, 0)
        XCTAssertEqual(untimed(finishedShard), untimed(try ComparisonCSV.read(slowWhole)))
        XCTAssertFalse(FileManager.default.fileExists(atPath: slowOut + "/shards/shard-1-of-1.failed"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: slowOut + "/checkpoints"), [], "finished cells leave no checkpoint")

        // Rows of another grid are not kept or resubmitted over: the same cells at another budget (or
        // none recorded) are refused by --resume, and a submission folder refuses its experiment once
        // edited. (A merge of two grids is a budget sweep: it records no grid.)
        let otherBudget = dir + "/grid-budget.toml"
        try String(contentsOfFile: experiment, encoding: .utf8).replacingOccurrences(of: "budget = 400", with: "budget = 500")
            .write(toFile: otherBudget, atomically: true, encoding: .utf8)
        try ComparisonCSV.write(Array(first.prefix(1)), to: stopped, metadata: [("grid", grid)])
        let mixed = try sampo(["compare", "--experiment", otherBudget, "--shard", "1/4", "--resume", "--out", stopped])
        XCTAssertEqual(mixed.status, 2)
        XCTAssertTrue(mixed.err.contains("was written for another grid") && mixed.err.contains("budget 400"), mixed.err)
        try ComparisonCSV.write(Array(first.prefix(1)), to: stopped)
        XCTAssertTrue(try sampo(["compare", "--experiment", experiment, "--shard", "1/4", "--resume", "--out", stopped]).err
                        .contains("no grid recorded"))
        let otherShard = dir + "/other-shard.csv"
        XCTAssertEqual(try sampo(["compare", "--experiment", otherBudget, "--shard", "2/4", "--out", otherShard]).status, 0)
        let mergeMixed = try sampo(["merge", out + "/shards/shard-1-of-4.csv", otherShard, "--out", dir + "/mixed.csv"])
        XCTAssertEqual(mergeMixed.status, 0, mergeMixed.err)
        XCTAssertNil(try ComparisonCSV.metadata(dir + "/mixed.csv")["grid"])
        try String(contentsOfFile: otherBudget, encoding: .utf8).write(toFile: experiment, atomically: true, encoding: .utf8)
        let edited = try sampo(["cluster", "submit", experiment, "--tasks", "4", "--out", out, "--dry-run"])
        XCTAssertEqual(edited.status, 2)
        XCTAssertTrue(edited.err.contains("changed since it was submitted"), edited.err)

        // Refusals: no sbatch here, too many tasks, a malformed time, another submission in the folder.
        let noSlurm = Process()
        noSlurm.executableURL = try executable
        noSlurm.arguments = ["cluster", "submit", experiment, "--tasks", "4", "--out", dir + "/other"]
        noSlurm.environment = ["PATH": "/nonexistent"]
        let errPipe = Pipe()
        noSlurm.standardOutput = FileHandle.nullDevice; noSlurm.standardError = errPipe
        try noSlurm.run()
        let noSlurmErr = String(decoding: errPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        noSlurm.waitUntilExit()
        XCTAssertEqual(noSlurm.terminationStatus, 1, noSlurmErr)
        XCTAssertTrue(noSlurmErr.contains("sbatch is not installed here"), noSlurmErr)
        for (args, expected) in [(["--tasks", "13"], "--tasks: 13 tasks for a grid of 12 cells"),
                                 (["--tasks", "0"], "--tasks: expected a whole number ≥ 1"),
                                 (["--tasks", "2", "--time", "1 hour"], "--time: expected HH:MM:SS"),
                                 (["--tasks", "3"], "holds a submission of")] {
            let r = try sampo(["cluster", "submit", experiment, "--out", out, "--dry-run"] + args)
            XCTAssertEqual(r.status, 2, "\(args)")
            XCTAssertTrue(r.err.contains(expected), r.err)
        }
    }

    /// An SMC report holds each run's stages: temperatures, and per stage the incremental weights'
    /// ESS (at the target, half the particles, but for the last) and the moves' acceptance.
    func testSMCReportHasTheESSOfEveryStage() throws {
        let report = tmp("smc-report.json")
        let r = try sampo(["sample", "--target", "lau-gmm", "--sampler", "smc", "--set", "particles=400", "--chains", "2",
                           "--seed", "3", "--report", report])
        XCTAssertEqual(r.status, 0, r.err)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any])
        let ess = try XCTUnwrap(json["ess_per_stage"] as? [[Double]]), schedules = try XCTUnwrap(json["schedules"] as? [[Double]])
        XCTAssertEqual(ess.count, 2)
        for (e, t) in zip(ess, schedules) {
            XCTAssertEqual(e.count, t.count - 1)
            for stage in e.dropLast() { XCTAssertEqual(stage, 200, accuracy: 2) }
        }
    }

    /// SAMPO_MEMORY_LIMIT sets the limit every size check uses; a malformed one is refused.
    func testTheMemoryLimitCanBeSet() throws {
        func run(_ limit: String) throws -> (status: Int32, err: String) {
            let p = Process()
            p.executableURL = try executable
            p.arguments = ["sample", "--target", "lau-gmm", "--sampler", "mala", "--steps", "100000", "--summary", "/dev/null"]
            p.environment = ProcessInfo.processInfo.environment.merging(["SAMPO_MEMORY_LIMIT": limit]) { $1 }
            let err = Pipe()
            p.standardOutput = FileHandle.nullDevice; p.standardError = err
            try p.run()
            let e = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: e, as: UTF8.self))
        }
        let small = try run("1M")
        XCTAssertEqual(small.status, 2, small.err)
        XCTAssertTrue(small.err.contains("need 0.0064 GB; at most 0.00105 GB (the memory limit set) is allowed"), small.err)
        let bad = try run("lots")
        XCTAssertEqual(bad.status, 2, bad.err)
        XCTAssertTrue(bad.err.contains("SAMPO_MEMORY_LIMIT: expected a size such as 512M, 8G or a number of bytes, found 'lots'"), bad.err)
        XCTAssertEqual(try run("64M").status, 0)
    }

    func testUnwritableOutputIsRefusedBeforeTheRun() throws {
        let start = Date()
        let r = try sampo(["sample", "--target", "lau-gmm", "--sampler", "mala", "--steps", "100000000",
                           "--summary", "/nonexistent-folder/s.csv"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("--summary: /nonexistent-folder/s.csv: folder /nonexistent-folder does not exist"), r.err)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10, "refused before sampling 4 × 10⁸ steps")
    }

    func testAllChainsDivergedStillWritesTheReport() throws {
        let report = tmp("diverged.json"), summary = tmp("diverged-summary.csv")
        try? FileManager.default.removeItem(atPath: summary)
        let r = try sampo(["sample", "--target", "lau-gmm", "--sampler", "ula", "--step-size", "5", "--steps", "200",
                           "--summary", summary, "--report", report])
        XCTAssertEqual(r.status, 1, r.err)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        XCTAssertEqual((json?["diverged_chains"] as? [Any])?.count, 4)
        XCTAssertFalse(FileManager.default.fileExists(atPath: summary))
        XCTAssertTrue(r.err.contains("nothing to summarise"), r.err)
    }

    func testPartlyDivergedDrawsNameTheirChainsAndDiagnoseLeavesThemOut() throws {
        // With a divergence bound of 5, chains 2, 3 and 4 of this run leave the bound (2 during warm-up).
        let draws = tmp("partly.csv")
        let r = try sampo(["sample", "--target", "lau-gmm", "--sampler", "mala", "--steps", "500", "--warmup", "100",
                           "--divergence-bound", "5", "--draws", draws])
        XCTAssertEqual(r.status, 0, r.err)
        let text = try String(contentsOfFile: draws, encoding: .utf8)
        XCTAssertTrue(text.contains("# divergence_bound: 5.0\n") && text.contains("# diverged_chains: 2 3 4\n"), text.prefix(600).description)
        let d = try sampo(["diagnose", draws])
        XCTAssertEqual(d.status, 0, d.err)
        XCTAssertTrue(d.out.contains("1 chains × 500 draws"), d.out)
        XCTAssertTrue(d.err.contains("left out of the summary: chain 2 (diverged; no draws), chain 3 (diverged; 145 draws), chain 4 (diverged; 128 draws)"), d.err)
    }

    func testExplodingChainIsReportedAsDiverged() throws {
        let r = try sampo(["sample", "--target", "lau-gmm-l1prior", "--sampler", "psgla", "--step-size", "10", "--steps", "4000"])
        XCTAssertEqual(r.status, 1, r.err)
        XCTAssertTrue(r.err.contains("all 4 chains diverged"), r.err)
        XCTAssertFalse(r.out.contains("R-hat"), r.out)
    }

    func testInterruptRemovesTemporaryFiles() throws {
        let dir = tmp("interrupt")
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = try executable
        p.arguments = ["sample", "--target", "lau-gmm", "--sampler", "mala", "--steps", "3000000", "--chains", "2",
                       "--draws", dir + "/d.csv"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        usleep(1_500_000)
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 128 + SIGTERM)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [], "no temporary or partial file is left")
    }

    func testAFullDeviceIsARuntimeErrorNotACrash() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { throw XCTSkip("no /dev/full") }
        let r = try sampo(["sample", "--target", "lau-gmm", "--sampler", "mala", "--steps", "200000", "--chains", "2",
                           "--draws", "/dev/full"])
        XCTAssertEqual(r.status, 1, r.err)
        XCTAssertTrue(r.err.contains("/dev/full: cannot write (No space left on device)"), r.err)
        var st = stat()
        XCTAssertEqual(stat("/dev/full", &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFCHR, "the device is written to, not replaced by a regular file")
    }
}
