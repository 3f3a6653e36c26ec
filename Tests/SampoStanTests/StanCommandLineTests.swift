import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// `sampo` on Stan targets as a user runs it: posteriordb targets, target files, CmdStan output read
/// back, reference checks, and what it refuses.
final class StanCommandLineTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        setenv("SAMPO_CACHE", StanTargetTests.cacheRoot, 1)
    }

    private func sampo(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let exe = TestSupport.root.appendingPathComponent(".build/release/sampo")
        guard FileManager.default.isExecutableFile(atPath: exe.path) else { throw XCTSkip("sampo not built in release") }
        let p = Process()
        p.executableURL = exe
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// The files the tests wrote go when the class is done (a folder per process).
    override class func tearDown() {
        try? FileManager.default.removeItem(at: FileManager.default.temporaryDirectory.appendingPathComponent("sampo-stan-cli-\(getpid())"))
        super.tearDown()
    }

    private func tmp(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sampo-stan-cli-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    private func rows(_ path: String) throws -> [Substring] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
    }

    private var target: String { "posteriordb:" + StanTargetTests.name }
    private var db: [String] { ["--posteriordb", StanTargetTests.posteriordb] }

    /// CmdStan's layout, checked against a real CmdStan file (Tests/Fixtures/stan), read back by
    /// `diagnose` into the same summary as the run's own; then the reference check on it.
    func testCmdStanFilesAndReferenceCheck() throws {
        let prefix = tmp("es"), summary = tmp("es-summary.csv"), again = tmp("es-again.csv")
        let r = try sampo(["sample", "--target", target] + db + ["--sampler", "nuts", "--set", "metric=diag", "--set", "adaptation=stan",
                           "--chains", "2", "--steps", "400", "--format", "cmdstan", "--draws", prefix, "--summary", summary])
        XCTAssertEqual(r.status, 0, r.err)
        let text = try String(contentsOfFile: prefix + "_1.csv", encoding: .utf8)
        let stan = try String(contentsOfFile: TestSupport.root.appendingPathComponent("Tests/Fixtures/stan/bern1.csv").path, encoding: .utf8)
        func header(_ t: String) -> [Substring] { t.split(separator: "\n").first { !$0.hasPrefix("#") }!.split(separator: ",") }
        XCTAssertEqual(Array(header(text).prefix(7)), Array(header(stan).prefix(7)))
        XCTAssertEqual(header(text)[7], "theta_trans.1")
        XCTAssertTrue(header(text).contains("theta.8"))
        for key in ["model", "method", "num_samples", "num_warmup", "algorithm", "engine", "max_depth", "metric", "stepsize", "id", "seed"] {
            XCTAssertTrue(stan.contains("# ") && stan.contains(" \(key) = "), key)
            XCTAssertTrue(text.contains(" \(key) = "), "our header lacks \(key)")
        }
        XCTAssertTrue(text.contains("# Adaptation terminated\n# Step size = "))
        XCTAssertTrue(text.contains("# Diagonal elements of inverse mass matrix:\n# "))
        XCTAssertEqual(try rows(prefix + "_1.csv").count, 401)
        let d = try sampo(["diagnose", prefix + "_1.csv", prefix + "_2.csv", "--out", again])
        XCTAssertEqual(d.status, 0, d.err)
        XCTAssertEqual(try rows(summary), try rows(again))
        let ref = try sampo(["diagnose", prefix + "_1.csv", prefix + "_2.csv", "--reference", target] + db)
        XCTAssertEqual(ref.status, 0, ref.err)
        XCTAssertTrue(ref.out.contains("z_mean"), ref.out)
        XCTAssertTrue(ref.out.contains("theta[8]"), ref.out)
        // compare: the gold-standard columns of a posteriordb target.
        let grid = tmp("grid.csv")
        let cmp = try sampo(["compare", "--targets", target, "--samplers", "nuts,mala", "--budget", "10000", "--chains", "4"] + db + ["--out", grid])
        XCTAssertEqual(cmp.status, 0, cmp.err)
        let lines = try rows(grid)
        let columns = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(Array(columns.suffix(2)), ["ref_max_abs_z", "ref_max_sd_error"])
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let z = try XCTUnwrap(Double(cells[columns.count - 2]), String(line)), e = try XCTUnwrap(Double(cells[columns.count - 1]))
            // Both samplers are exact; with ≥ 300 bulk-ESS their means sit within 5 combined MCSE.
            XCTAssertLessThan(z, 5, String(line))
            XCTAssertLessThan(e, 0.25, String(line))
        }
        // bench --stan: the bridge's overhead over its own C++ loop. The issue's bound is 10% (measured
        // 0.90–0.98 on eight schools, 0.95 on diamonds); here only a gross regression fails, timing
        // being noisy on a shared machine.
        // Then NUTS against Stan's own (compiled into a second library of the model): wall time per
        // gradient, measured 0.61–0.64 of Stan's; the issue asks at most equal, a gross regression fails.
        let bench = try sampo(["bench", "--stan", target] + db)
        XCTAssertEqual(bench.status, 0, bench.err)
        let benchLines = bench.out.split(separator: "\n").map(String.init)
        func lastCell(after header: String) throws -> Double {
            let at = try XCTUnwrap(benchLines.firstIndex { $0.hasPrefix(header) }, bench.out)
            return try XCTUnwrap(Double(benchLines[at + 1].split(separator: ",").last ?? ""), bench.out)
        }
        let overhead = try lastCell(after: "stan_target,")
        XCTAssertLessThan(overhead, 1.5, bench.out)
        XCTAssertGreaterThan(overhead, 0.5, bench.out)
        let nutsLine = try XCTUnwrap(benchLines.first { $0.hasPrefix("nuts_target,") }, bench.out)
        XCTAssertTrue(nutsLine.hasSuffix(",ratio"), nutsLine)
        let ratio = try lastCell(after: "nuts_target,")
        XCTAssertLessThan(ratio, 1.25, bench.out)
        XCTAssertGreaterThan(ratio, 0.2, bench.out)
        // Draws without the reference's parameters: the missing one is named.
        let other = tmp("gmm.csv")
        XCTAssertEqual(try sampo(["sample", "--target", "lau-gmm", "--sampler", "mala", "--steps", "200", "--draws", other]).status, 0)
        let missing = try sampo(["diagnose", other, "--reference", target] + db)
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.err.contains("'mu'"), missing.err)
    }

    /// A target file with family = "stan", paths relative to it; a second run finds the model in the
    /// cache; proximal samplers refuse with exit 2, SMC reports constrained values; bad --inits are named.
    func testTargetFileCacheAndRefusals() throws {
        let folder = tmp("eight")
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let program = StanTargetTests.posteriordb + "/models/stan/eight_schools_noncentered.stan"
        try FileManager.default.copyItem(atPath: program, toPath: folder + "/es.stan")
        try "{\"J\": 8, \"y\": [28, 8, -3, 7, -1, 1, 18, 12], \"sigma\": [15, 10, 16, 11, 9, 11, 10, 18]}"
            .write(toFile: folder + "/es.json", atomically: true, encoding: .utf8)
        try "family = \"stan\"\nmodel = \"es.stan\"\ndata = \"es.json\"\n".write(toFile: folder + "/es.toml", atomically: true, encoding: .utf8)
        let started = Date()
        let r = try sampo(["sample", "--target", folder + "/es.toml", "--sampler", "nuts", "--steps", "200", "--seed", "3"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertFalse(r.err.contains("compiling"), "the model text is the fixture's, compiled by StanTargetTests: \(r.err)")
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        let unconstrainedDraws = tmp("unconstrained.csv")
        let direct = try sampo(["sample", "--target", folder + "/es.stan", "--data", folder + "/es.json", "--sampler", "nuts", "--steps", "200",
                                "--seed", "3", "--unconstrained", "--draws", unconstrainedDraws])
        XCTAssertEqual(direct.status, 0, direct.err)
        let text = try String(contentsOfFile: unconstrainedDraws, encoding: .utf8)
        XCTAssertTrue(text.contains("# coordinates: unconstrained"), text)
        XCTAssertEqual(try rows(unconstrainedDraws).first, "chain,draw," + (1...8).map { "theta_trans[\($0)]" }.joined(separator: ",") + ",mu,tau")
        for sampler in ["myula", "psgla"] {
            let p = try sampo(["sample", "--target", folder + "/es.toml", "--sampler", sampler, "--steps", "10"])
            XCTAssertEqual(p.status, 2, sampler)
            XCTAssertTrue(p.err.contains("no proximal"), p.err)
        }
        let smcDraws = tmp("smc.csv")
        let smc = try sampo(["sample", "--target", folder + "/es.toml", "--sampler", "smc", "--set", "particles=300", "--chains", "2", "--draws", smcDraws])
        XCTAssertEqual(smc.status, 0, smc.err)
        XCTAssertEqual(try rows(smcDraws).first?.split(separator: ",").prefix(3).map(String.init), ["chain", "draw", "lp__"])
        try "{\"mu\": 1}".write(toFile: folder + "/inits.json", atomically: true, encoding: .utf8)
        let inits = try sampo(["sample", "--target", folder + "/es.toml", "--sampler", "nuts", "--steps", "10", "--inits", folder + "/inits.json"])
        XCTAssertEqual(inits.status, 2)
        XCTAssertTrue(inits.err.contains("inits.json") && inits.err.contains("theta_trans"), inits.err)
        let noData = try sampo(["sample", "--target", "lau-gmm", "--data", folder + "/es.json", "--sampler", "nuts", "--steps", "10"])
        XCTAssertEqual(noData.status, 2)
        let list = try sampo(["targets"] + db)
        XCTAssertEqual(list.status, 0, list.err)
        XCTAssertTrue(list.out.contains(StanTargetTests.name) && list.out.contains("yes"), list.out)
        let noDB = try sampo(["targets", "--posteriordb", folder])
        XCTAssertEqual(noDB.status, 2)
        XCTAssertTrue(noDB.err.contains("posteriors/"), noDB.err)
    }
}
