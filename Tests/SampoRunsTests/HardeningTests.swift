import Foundation
import XCTest
import Sampo
import SampoTestSupport

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

/// Issue 11, second part: statistics of extreme but finite data, divergence by bound, messages.
final class ExtremeValueTests: XCTestCase {
    /// Draws of N(0,1) (fixed pseudo-random sequence) scaled by `scale`, in 4 chains of 500.
    private func chains(scale: Double) -> [[Double]] {
        var rng = Mutator(state: 9)
        return (0..<4).map { _ in
            (0..<500).map { _ in
                // Box–Muller from two uniforms in (0, 1).
                let u1 = (Double(rng.next() >> 11) + 0.5) / 9007199254740992, u2 = Double(rng.next() >> 11) / 9007199254740992
                return scale * (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
            }
        }
    }

    func testMomentsOfHugeAndTinyValuesAreFiniteAndScaleExactly() throws {
        let unit = try ParameterSummary(parameter: "x", chains: chains(scale: 1))
        for scale in [0x1p1000, 0x1p-1000, 1e300] {
            let s = try ParameterSummary(parameter: "x", chains: chains(scale: scale))
            XCTAssertEqual(s.mean, unit.mean * scale, accuracy: abs(unit.mean * scale) * 1e-12 + 1e-320, "scale \(scale)")
            XCTAssertEqual(try XCTUnwrap(s.sd), try XCTUnwrap(unit.sd) * scale, accuracy: try XCTUnwrap(unit.sd) * scale * 1e-12)
            XCTAssertEqual(try XCTUnwrap(s.mcseMean), try XCTUnwrap(unit.mcseMean) * scale, accuracy: try XCTUnwrap(unit.mcseMean) * scale * 1e-9)
            XCTAssertEqual(try XCTUnwrap(s.essBulk), try XCTUnwrap(unit.essBulk), accuracy: 1e-9)
            XCTAssertEqual(try XCTUnwrap(s.rhat), try XCTUnwrap(unit.rhat), accuracy: 1e-12)
            XCTAssertEqual(s.q95, unit.q95 * scale, accuracy: abs(unit.q95 * scale) * 1e-12)
        }
        // Values near ±1e308: the sum of the raw values overflows, the mean must not.
        let big = try ParameterSummary(parameter: "x", chains: [[1.5e308, 1.6e308, 1.7e308, 1.4e308], [1.5e308, 1.55e308, 1.65e308, 1.45e308]])
        XCTAssertEqual(big.mean, 1.54375e308, accuracy: 1e293)
        XCTAssertTrue(try XCTUnwrap(big.sd).isFinite)
        // Subnormal values near 1e-320: their squares underflow to 0 unless scaled.
        let tiny = try ParameterSummary(parameter: "x", chains: chains(scale: 1e-320))
        XCTAssertEqual(try XCTUnwrap(tiny.sd), try XCTUnwrap(unit.sd) * 1e-320, accuracy: 1e-322)
    }

    func testAChainBeyondTheDivergenceBoundDiverges() throws {
        // PSGLA with a huge step on the ℓ1-prior mixture explodes to |x| ~ 1e151 while staying finite.
        let target = try TestSupport.target("lau-gmm-l1prior")
        let job = try SamplingJob(target: target, sampler: try SamplerCatalog.named("psgla"), stepSize: 10,
                                  settings: RunSettings(chains: 2, steps: 4000, warmup: 0, jobs: 1))
        let run = try job.runKeepingDivergedChains()
        XCTAssertEqual(run.divergedChains, [0, 1])
        var unbounded = RunSettings(chains: 1, steps: 50, warmup: 0, jobs: 1)
        unbounded.divergenceBound = .infinity
        let finite = try SamplingJob(target: target, sampler: try SamplerCatalog.named("psgla"), stepSize: 10, settings: unbounded)
            .runKeepingDivergedChains()
        XCTAssertEqual(finite.divergedChains, [], "finiteness alone does not stop it within 50 steps")
        var bad = RunSettings()
        bad.divergenceBound = 0
        XCTAssertThrowsError(try bad.validate(dimension: 2))
    }

    func testLongKeysAreCutInMessages() {
        let key = String(repeating: "k", count: 1_000_000)
        let m = TestSupport.parseError("family = \"gaussian-mixture\"\n\(key) = 1\n") ?? ""
        XCTAssertLessThan(m.utf8.count, 800, String(m.prefix(200)))
        XCTAssertTrue(m.contains("… (1000000 bytes)"), String(m.prefix(200)))
    }

    func testStatisticsThatCannotBeComputedSayWhy() throws {
        let q = SampleQuality(points: [[0, 0], [1, 1]], target: try TestSupport.target("mueller-brown"))
        XCTAssertTrue(q.lines.contains("sliced W₂, energy distance: not computed, no exact sampler for this target"), "\(q.lines)")
        let gmm = try TestSupport.target("lau-gmm")
        let huge = SampleQuality(points: [[1e200, -1e200], [-1e200, 1e200]], target: gmm)
        XCTAssertNil(huge.energyDistance)
        XCTAssertTrue(huge.lines.contains { $0.hasPrefix("energy distance: not computed") || $0.hasPrefix("sliced W₂: not computed") }, "\(huge.lines)")
        XCTAssertFalse(huge.lines.joined().contains("nan"))
        XCTAssertFalse(huge.lines.joined().contains("inf"))
    }
}

/// Long runs keep their draws in a file mapping; results must not depend on where they live.
final class FileBackedDrawsTests: XCTestCase {
    func testFileBackedDrawsGiveTheSameRunAndFiles() throws {
        let target = try TestSupport.target("lau-gmm")
        func run() throws -> ChainRun {
            try SamplingJob(target: target, sampler: try SamplerCatalog.named("mala"), stepSize: 0.1,
                            settings: RunSettings(chains: 3, steps: 300_000, warmup: 10, jobs: 2)).run()
        }
        let heap = try run()
        XCTAssertFalse(heap.draws.storage.isFileBacked)
        let saved = DrawsStorage.fileBackedBytes
        DrawsStorage.fileBackedBytes = 1 << 16
        defer { DrawsStorage.fileBackedBytes = saved }
        let mapped = try run()
        XCTAssertTrue(mapped.draws.storage.isFileBacked)
        XCTAssertEqual(heap.draws, mapped.draws)
        XCTAssertEqual(DrawsCSV.render(heap.draws), DrawsCSV.render(mapped.draws))
        XCTAssertEqual(try DrawsSummary.summarize(heap.draws), try DrawsSummary.summarize(mapped.draws))
        XCTAssertEqual(SampleQuality(run: heap, target: target, distances: false).meanError,
                       SampleQuality(run: mapped, target: target, distances: false).meanError)
        // Reading it again after the pages were handed back gives the same values.
        XCTAssertEqual(heap.draws.series(chain: 2, coordinate: 1), mapped.draws.series(chain: 2, coordinate: 1))
    }
}

/// A large CSV is parsed in batches of chunks whose mapped pages are dropped once read.
final class MappedCSVTests: XCTestCase {
    func testAFileOfSeveralBatchesReadsBackExactly() throws {
        let rows = 1_600_000   // about 75 MB: more chunks of 32 MB than cores, so several batches
        var text = "# large\nchain,draw,x1,x2\n"
        text.reserveCapacity(rows * 48)
        var rng = Mutator(state: 3)
        var expected: [Double] = []
        expected.reserveCapacity(rows * 2)
        for i in 0..<rows {
            let a = Double(Int64(bitPattern: rng.next()) >> 11) / 1e9, b = Double(rng.next() >> 12) * 1e-300
            expected.append(a); expected.append(b)
            text += "1,\(i + 1),\(a),\(b)\n"
        }
        let path = TestSupport.write(text, name: "large.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let csv = try NumericCSV.read(path)
        XCTAssertEqual(csv.rowCount, rows)
        XCTAssertEqual(csv.comments, ["large"])
        for r in stride(from: 0, to: rows, by: 997) {
            XCTAssertEqual(csv[r, 2], expected[2 * r])
            XCTAssertEqual(csv[r, 3], expected[2 * r + 1])
            XCTAssertEqual(csv[r, 1], Double(r + 1))
        }
        XCTAssertEqual(csv[rows - 1, 3], expected[2 * rows - 1])
    }
}
