import Foundation
import XCTest
import Sampo
import SampoTestSupport

final class DiagnosticsTests: XCTestCase {
    private let fixtures = TestSupport.root.appendingPathComponent("Tests/Fixtures")

    /// Every ArviZ reference value of every case, to 1e-8 relative (nan cells skipped: ArviZ gives
    /// no R-hat for one chain).
    func testArviZReferenceValues() throws {
        let cases = ["iid_ar_heavy", "unconverged_odd", "antithetic_short", "single_chain", "many_chains_skewed"]
        var compared = 0
        for name in cases {
            let draws = try ChainFiles.read([fixtures.appendingPathComponent("diagnostics/\(name).draws.csv").path])
            let rows = try draws.summarize()
            let reference = try NumericCSVWithNames.read(fixtures.appendingPathComponent("diagnostics/\(name).reference.csv").path)
            XCTAssertEqual(rows.map(\.parameter), reference.map(\.0), name)
            for (row, (param, ref)) in zip(rows, reference) {
                for (k, column) in ParameterSummary.columns.dropFirst().enumerated() {
                    guard let expected = ref[column], !expected.isNaN else { continue }
                    let got = try XCTUnwrap(row.values[k], "\(name) \(param) \(column)")
                    XCTAssertEqual(got, expected, accuracy: 1e-8 * abs(expected), "\(name) \(param) \(column)")
                    compared += 1
                }
            }
        }
        XCTAssertEqual(compared, 11 * 10 - 2)  // 11 parameters × 10 columns, minus 2 nan R-hats
    }

    /// CmdStan's Bernoulli example: the values Stan's own unit tests expect.
    func testStanBernoulli() throws {
        let files = (1...4).map { fixtures.appendingPathComponent("stan/bern\($0).csv").path }
        let set = try ChainFiles.read(files)
        XCTAssertEqual(set.format, .stan)
        XCTAssertEqual(set.parameters, ["lp__", "theta"])
        XCTAssertEqual(set.chainCount, 4); XCTAssertEqual(set.drawsPerChain, 1000)
        XCTAssertEqual(set.divergences, 0)
        let rows = try set.summarize()
        let expected: [(Double, Double, Double, Double, Double)] = [
            (1512.7684, 1591.9707, 1.000730, -7.2867579, 0.7386161),
            (1407.5124, 1291.7131, 1.006790, 0.2512974, 0.1215467),
        ]
        for (row, e) in zip(rows, expected) {
            XCTAssertEqual(try XCTUnwrap(row.essBulk), e.0, accuracy: 1e-4)
            XCTAssertEqual(try XCTUnwrap(row.essTail), e.1, accuracy: 1e-4)
            XCTAssertEqual(try XCTUnwrap(row.rhat), e.2, accuracy: 1e-6)
            XCTAssertEqual(row.mean, e.3, accuracy: 1e-7)
            XCTAssertEqual(try XCTUnwrap(row.sd), e.4, accuracy: 1e-7)
        }
    }

    func testAutocovarianceAgainstDirectSum() throws {
        let rng = RandomStream(seed: 3)
        for n in [1, 2, 7, 97, 250] {
            let x = (0..<n).map { _ in rng.normal() }
            let fft = try Autocovariance.compute(x)
            let mu = x.reduce(0, +) / Double(n)
            for t in 0..<n {
                var s = 0.0
                for i in 0..<(n - t) { s += (x[i] - mu) * (x[i + t] - mu) }
                XCTAssertEqual(fft[t], s / Double(n), accuracy: 1e-12)
            }
        }
        XCTAssertEqual(Autocovariance.smoothLength(atLeast: 2 * 1001), 2025)
        XCTAssertEqual(Autocovariance.smoothLength(atLeast: 14), 15)
    }

    func testAverageRanksWithTies() {
        XCTAssertEqual(RankNormalization.averageRanks([3, 1, 3, 2, 3]), [4, 1, 4, 2, 4])
    }

    // MARK: edge cases: a defined result or a clear error, never a crash

    func testConstantChain() throws {
        let s = try ParameterSummary(parameter: "c", chains: [[2, 2, 2, 2, 2, 2], [2, 2, 2, 2, 2, 2]])
        XCTAssertEqual(s.mean, 2); XCTAssertEqual(s.sd, 0)
        XCTAssertEqual(s.essBulk, 12)   // ESS of a constant is the number of draws (as ArviZ)
        XCTAssertNil(s.rhat)            // no within-chain variance: R-hat undefined
        XCTAssertNil(s.mcseSD)
    }

    func testSingleChainHasSplitRHat() throws {
        let rng = RandomStream(seed: 5)
        let s = try ParameterSummary(parameter: "x", chains: [(0..<1000).map { _ in rng.normal() }])
        let r = try XCTUnwrap(s.rhat)
        XCTAssertEqual(r, 1, accuracy: 0.02)
    }

    func testOddLengthsAndThreeDraws() throws {
        let odd = try ParameterSummary(parameter: "x", chains: [[1, 5, 2, 8, 3], [2, 9, 4, 1, 7]])
        XCTAssertNotNil(odd.essBulk); XCTAssertNotNil(odd.rhat)
        let three = try ParameterSummary(parameter: "x", chains: [[1, 2, 3], [3, 1, 2]])
        XCTAssertEqual(three.mean, 2)
        XCTAssertNil(three.essBulk); XCTAssertNil(three.essTail); XCTAssertNil(three.rhat); XCTAssertNil(three.mcseMean)
    }

    func testUnequalChainLengthsAndNaNAreErrors() {
        XCTAssertThrowsError(try ParameterSummary(parameter: "x", chains: [[1, 2, 3, 4], [1, 2, 3]])) {
            XCTAssertTrue("\($0)".contains("chains have different lengths (chain 1 has 4 draws, chain 2 has 3)"), "\($0)")
        }
        XCTAssertThrowsError(try ParameterSummary(parameter: "x", chains: [[1, .nan, 3, 4]])) {
            XCTAssertTrue("\($0)".contains("chain 1, draw 2 is nan"), "\($0)")
        }
    }

    func testBadDrawFiles() throws {
        func message(_ files: [(String, String)]) -> String {
            let paths = files.map { TestSupport.write($0.1, name: $0.0) }
            do { _ = try ChainFiles.read(paths); return "" } catch { return error.message }
        }
        XCTAssertTrue(message([("a.csv", "chain,draw,x1\n1,1,0.5\n1,2,abc\n")]).contains("line 3, column 'x1': expected a number, found 'abc'"))
        // A chain shorter than the longest stopped early: left out and named, not an error.
        let short = try ChainFiles.read([TestSupport.write("chain,draw,x1\n1,1,0.5\n1,2,0.1\n2,1,0.3\n", name: "b.csv")])
        XCTAssertEqual(short.chainCount, 1)
        XCTAssertEqual(short.leftOut, ["chain 2 (1 of 2 draws: stopped early)"])
        XCTAssertTrue(message([("sorted.csv", "chain,draw,x1\n1,1,0.5\n2,1,0.1\n1,2,0.3\n2,2,0.3\n")])
            .hasSuffix("sorted.csv: chain 1 reappears at data row 3 after other chains began: rows must be grouped by chain (sorted by chain, then draw)"))
        XCTAssertTrue(message([("nanid.csv", "chain,draw,x1\n1,1,0.5\nnan,1,0.1\n")])
            .hasSuffix("nanid.csv: column 'chain', data row 2: expected a chain number (1, 2, …), found nan"))
        XCTAssertTrue(message([("alldiv.csv", "# diverged_chains: 1 2\nchain,draw,x1\n1,1,0.5\n2,1,0.1\n")])
            .contains("no complete chain to summarise (left out: chain 1 (diverged; 1 draws), chain 2 (diverged; 1 draws))"))
        let named = try ChainFiles.read([TestSupport.write("# diverged_chains: 2\nchain,draw,x1\n1,1,0.5\n1,2,0.7\n2,1,0.1\n2,2,0.2\n3,1,0.4\n3,2,0.1\n",
                                                           name: "named.csv")])
        XCTAssertEqual(named.chainCount, 2)
        XCTAssertEqual(named.leftOut, ["chain 2 (diverged; 2 draws)"])
        XCTAssertTrue(message([("c.csv", "chain,draw,x1\n1,1,nan\n")]).contains("is nan"))
        XCTAssertTrue(message([("s1.csv", "lp__,theta\n-1,0.2\n-2,0.3\n"), ("s2.csv", "lp__,theta\n-1,0.2\n")])
            .contains("chain 2 has 1 draws"))
        XCTAssertTrue(message([("s3.csv", "lp__,theta\n1,2\n"), ("s4.csv", "lp__,mu\n1,2\n")]).contains("columns differ"))
        XCTAssertTrue(message([("h.csv", "1,2\n3,4\n")]).contains("expected a header row"))
    }
}

/// Reads an ArviZ reference CSV (first column the parameter name, the rest numbers or nan).
enum NumericCSVWithNames {
    static func read(_ path: String) throws -> [(String, [String: Double])] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        return lines.dropFirst().map { line in
            let cells = line.split(separator: ",").map(String.init)
            var row: [String: Double] = [:]
            for (k, v) in zip(header.dropFirst(), cells.dropFirst()) { row[k] = v == "nan" ? Double.nan : Double(v) }
            return (cells[0], row)
        }
    }
}

final class SortingTests: XCTestCase {
    /// Every path: insertion (≤ 48 keys), LSD passes in cache (≤ 32 768), MSD buckets above, on
    /// values over 20 decades, values sharing their leading bits ([1, 2)) and values with few levels.
    func testRadixSortMatchesComparisonSort() {
        let rng = RandomStream(seed: 12)
        let spreads: [(Int) -> Double] = [
            { _ in rng.normal() * pow(10, Double(Int(rng.uniform() * 20) - 10)) },
            { _ in 1 + rng.uniform() },
            { i in Double(i % 7 + 1) + (i % 3 == 0 ? 0.5 : 0) },
        ]
        for n in [30, 5000, 40_000, 300_000] {
            for spread in spreads {
                var x = (0..<n).map(spread)
                x += [0, -0.0, 0, 1e308, -1e308, .infinity, -.infinity, 5e-324, -5e-324, 3, 3, 3, -0.0]
                let sorted = RadixSort.sorted(x)
                XCTAssertEqual(sorted, x.sorted())
                // −0 sorts just before +0, on both paths.
                let zeros = sorted.filter { $0 == 0 }.map { $0.sign == .minus }
                XCTAssertEqual(zeros, [true, true, false, false])
                let order = RadixSort.order(x)
                XCTAssertEqual(order.map { x[$0] }, x.sorted())
                // Stable: equal values keep their input order.
                let threes = order.filter { x[$0] == 3 }
                XCTAssertEqual(threes, threes.sorted())
                let positiveZeros = order.filter { x[$0] == 0 && x[$0].sign == .plus }
                XCTAssertEqual(positiveZeros, positiveZeros.sorted())
                let level = order.filter { x[$0] == 1.5 }
                XCTAssertEqual(level, level.sorted())
            }
        }
    }

    /// ESS of AR(1) chains: ρ = 0 and 0.5 stop within the direct short lags, ρ = 0.95 needs the FFT.
    func testESSOfAR1ChainsBothLagPaths() throws {
        let rng = RandomStream(seed: 8)
        for rho in [0.0, 0.5, 0.95] {
            var chains: [[Double]] = []
            for _ in 0..<4 {
                var v = 0.0
                chains.append((0..<2000).map { _ in v = rho * v + rng.normal(); return v })
            }
            let ess = try XCTUnwrap(EffectiveSampleSize.geyer(chains))
            let expected = 8000 * (1 - rho) / (1 + rho)  // AR(1): τ = (1 + ρ)/(1 − ρ)
            XCTAssertEqual(ess, expected, accuracy: 0.25 * expected + 200, "rho \(rho)")
        }
    }
}

final class LargeCSVTests: XCTestCase {
    /// Files over 8 MB are parsed in chunks on all cores: the rows, the comments and the line numbers
    /// of errors must be exactly those of a sequential read.
    func testChunkedParsingKeepsRowsAndLineNumbers() throws {
        let n = 700_000
        var text = "# top\nchain,draw,x1\n"
        text.reserveCapacity(n * 26)
        for i in 1...n {
            text += "1,\(i),\(Double(i) * 0.001 + 0.123456789)\n"
            if i == n / 2 { text += "# middle\n" }
        }
        XCTAssertGreaterThan(text.utf8.count, 8 << 20)
        let csv = try NumericCSV.parse(text, path: "big.csv")
        XCTAssertEqual(csv.rowCount, n)
        XCTAssertEqual(csv.comments, ["top", "middle"])
        for i in [0, 1, n / 2, n / 2 + 1, n - 1] {
            XCTAssertEqual(csv[i, 1], Double(i + 1))
            XCTAssertEqual(csv[i, 2], Double(i + 1) * 0.001 + 0.123456789)
        }
        // A bad cell far into the file: line = 2 header lines + rows before it + the comment line.
        let bad = text.replacingOccurrences(of: "1,600000,", with: "1,oops,")
        XCTAssertThrowsError(try NumericCSV.parse(bad, path: "big.csv")) {
            XCTAssertEqual("\($0)", "big.csv: line \(2 + 600_000 + 1), column 'draw': expected a number, found 'oops'")
        }
    }
}
