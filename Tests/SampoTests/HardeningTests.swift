import Foundation
import XCTest
import Sampo

/// Inputs a hostile user tried (issue 11), each refused with a message or handled, never a crash.
final class HardeningTests: XCTestCase {
    func testHugeWeightsNormaliseInsteadOfOverflowing() throws {
        let m = try GaussianMixture(weights: [1e308, 1e308], means: [[-1], [1]], covariances: .isotropic([1, 1]))
        XCTAssertEqual(m.weights, [0.5, 0.5])
        XCTAssertTrue(m.logDensity([0.3]).isFinite)
        let l = try LaplaceMixture(weights: [1e308, 3e307], locations: [[0], [1]], rates: [1, 1])
        XCTAssertEqual(l.weights.reduce(0, +), 1, accuracy: 1e-15)
        XCTAssertTrue(l.logDensity([0.3]).isFinite)
    }

    func testEmptyOutputPathIsRefused() {
        XCTAssertThrowsError(try AtomicFile.write("x", to: "")) {
            XCTAssertEqual("\($0)", "path: expected a file path, found an empty one")
        }
    }

    func testRepeatedGridEntriesAreRefused() {
        func message(_ g: ComparisonGrid) -> String {
            do { try g.validate(); return "" } catch { return "\(error)" }
        }
        XCTAssertEqual(message(ComparisonGrid(targets: ["lau-gmm", "lau-gmm"], samplers: [.init(name: "mala")], seeds: [1])),
                       "targets: 'lau-gmm' is listed twice")
        XCTAssertTrue(message(ComparisonGrid(targets: ["lau-gmm"], samplers: [.init(name: "mala"), .init(name: "mala")],
                                             seeds: [1])).hasPrefix("samplers: the same sampler"))
        XCTAssertEqual(message(ComparisonGrid(targets: ["lau-gmm"], samplers: [.init(name: "mala", stepSize: 0.1),
                                                                               .init(name: "mala", stepSize: 0.2)], seeds: [1])), "")
        XCTAssertEqual(message(ComparisonGrid(targets: ["lau-gmm"], samplers: [.init(name: "mala")], seeds: [1, 2, 1])),
                       "seeds: seed 1 is listed twice")
    }

    func testAllocationsBeyondMemoryAreRefusedWithTheirSize() throws {
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        let tooMany = message { try RunSettings(chains: 100_000_000, steps: 1000).validate(dimension: 2) }
        XCTAssertTrue(tooMany.hasPrefix("chains: the draws (chains × steps / thin × dimension"), tooMany)
        XCTAssertTrue(tooMany.contains("need 1.6e+03 GB"), tooMany)
        let lau = try TestSupport.target("lau-gmm")
        XCTAssertTrue(message { _ = try ExactDraws.draw(lau, count: 2_000_000_000_000, seed: 1) }.hasPrefix("count: 2000000000000 draws"))
        let smc = message {
            _ = try PopulationJob(target: lau, samplerName: "smc", settings: ["particles": 100_000_000_000], runs: 1, seed: 1, jobs: 1)
        }
        XCTAssertTrue(smc.hasPrefix("sampler parameter 'particles': 1 runs of 100000000000 particles"), smc)
    }

    func testMergeReadsCRLFAndRefusesNonFiniteAndFractionalCounts() throws {
        let header = ComparisonRow.columns.joined(separator: ",")
        func row(_ diverged: String) -> String {
            let cells = ComparisonRow.columns.map { c -> String in
                switch c {
                case "target": return "t"
                case "sampler": return "mala"
                case "seed": return "1"
                case "diverged_chains": return diverged
                default: return "1"
                }
            }
            return cells.joined(separator: ",")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sampo-merge-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let crlf = dir.appendingPathComponent("crlf.csv").path
        try (header + "\r\n" + row("0") + "\r\n").write(toFile: crlf, atomically: true, encoding: .utf8)
        XCTAssertEqual(try ComparisonCSV.read(crlf).count, 1)
        for bad in ["nan", "inf", "1.5"] {
            let p = dir.appendingPathComponent("bad.csv").path
            try (header + "\n" + row(bad) + "\n").write(toFile: p, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try ComparisonCSV.read(p), bad) {
                XCTAssertTrue("\($0)".contains("column 'diverged_chains'"), "\($0)")
            }
        }
        // The writer never puts a non-finite value in a cell.
        let r = ComparisonRow(target: "t", sampler: "mala", seed: 1, values: ["mean_error": .nan, "log_z": -.infinity])
        XCTAssertEqual(r.cell("mean_error"), "")
        XCTAssertEqual(r.cell("log_z"), "")
    }

    func testHugeEnergyDimensionsAreRefusedOrRunWithoutADenseCovariance() throws {
        XCTAssertThrowsError(try Funnel(dimension: Int.max)) { XCTAssertTrue("\($0)".contains("too many values"), "\($0)") }
        XCTAssertThrowsError(try ManyWell(pairs: 1_000_000_000)) { XCTAssertTrue("\($0)".contains("GB"), "\($0)") }
        let wide = try Funnel(dimension: 50_000)
        XCTAssertNil(wide.knownMoments.covariance)
        XCTAssertEqual(wide.knownMoments.mean?.count, 50_000)
        XCTAssertEqual(try Funnel(dimension: 10).knownMoments.covariance?.count, 100)
        XCTAssertNil(try ManyWell(pairs: 4000).knownMoments.covariance)
        XCTAssertEqual(try ManyWell(pairs: 2).knownMoments.covariance?.count, 16)
    }
}
