import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// The bounded-memory summary of long runs must give the statistics of the in-memory one.
final class LongRunSummaryTests: XCTestCase {
    private func ar1(chains: Int, length: Int, rho: Double, seed: UInt64, offsets: [Double] = []) -> [[Double]] {
        let rng = RandomStream(seed: seed)
        return (0..<chains).map { c in
            var v = 0.0
            let shift = c < offsets.count ? offsets[c] : 0
            return (0..<length).map { _ in v = rho * v + rng.normal(); return v + shift }
        }
    }

    private func assertSame(_ expected: [Double?], _ b: ParameterSummary, _ label: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        for (name, x, y) in zip3(ParameterSummary.columns.dropFirst(), expected, b.values) {
            guard let x, let y else {
                XCTAssertTrue(x == nil && y == nil, "\(label) \(name): \(String(describing: x)) vs \(String(describing: y))", file: file, line: line)
                continue
            }
            XCTAssertEqual(x, y, accuracy: 1e-9 * max(abs(x), 1e-300), "\(label) \(name)", file: file, line: line)
        }
    }

    /// The statistics composed from the public functions for arrays, as ArviZ defines them, in
    /// `ParameterSummary.columns` order: the reference the summary (one computation for arrays
    /// and long runs) must reproduce.
    private func textbook(_ chains: [[Double]]) throws -> [Double?] {
        // Scaled by a power of two (exact) so that squares of values near 1e300 do not overflow.
        let largest = chains.joined().map(abs).max() ?? 0
        let scale = largest > 0x1p100 ? Double(sign: .plus, exponent: -Int(largest.exponent), significand: 1) : 1
        let x = chains.map { $0.map { $0 * scale } }
        let pooled = Array(x.joined())
        let q = Quantiles.of(pooled, probabilities: [0.05, 0.5, 0.95])
        let back: (Double?) -> Double? = { $0.map { $0 / scale } }
        var row: [Double?] = [back(pooled.reduce(0, +) / Double(pooled.count)), back(MonteCarloError.standardDeviation(pooled)),
                              back(try MonteCarloError.mean(x)), back(try MonteCarloError.sd(x)),
                              back(q[0]), back(q[1]), back(q[2]), nil, nil, nil]
        guard (x.first?.count ?? 0) >= 4 else { return row }  // split chains need ≥ 4 draws
        let zSplit = RankNormalization.zScale(SplitChains.split(x))
        row[7] = try EffectiveSampleSize.bulk(rankNormalizedSplit: zSplit)
        row[8] = try EffectiveSampleSize.tail(x, q05: q[0], q95: q[2])
        row[9] = RHat.rank(rankNormalizedSplit: zSplit, folded: x.map { $0.map { abs($0 - q[1]) } })
        return row
    }

    private func zip3<A: Sequence, B: Sequence, C: Sequence>(_ a: A, _ b: B, _ c: C) -> [(A.Element, B.Element, C.Element)] {
        Array(zip(a, zip(b, c)).map { ($0.0, $0.1.0, $0.1.1) })
    }

    /// Odd and even lengths, short and long autocorrelations (ρ = 0.9999 needs more than the
    /// leading 16 384 lags: Geyer's sequence stops near lag 36 500, so the lags double to the whole
    /// chain), chains that disagree (R̂ > 1), ties (also spanning every split chain and
    /// the middle draws) and one chain.
    func testAgreesWithInMemorySummary() throws {
        let cases: [(String, [[Double]])] = [
            ("iid odd", ar1(chains: 4, length: 20_001, rho: 0, seed: 1)),
            ("rho 0.9", ar1(chains: 4, length: 30_000, rho: 0.9, seed: 2)),
            ("rho 0.999", ar1(chains: 3, length: 40_000, rho: 0.999, seed: 3)),
            ("rho 0.9999", ar1(chains: 3, length: 200_000, rho: 0.9999, seed: 3)),
            ("shifted chains", ar1(chains: 4, length: 10_000, rho: 0.5, seed: 4, offsets: [0, 0, 0, 1])),
            ("ties", ar1(chains: 4, length: 10_001, rho: 0.7, seed: 5).map { $0.map { ($0 * 4).rounded() / 4 } }),
            ("one chain", ar1(chains: 1, length: 9_999, rho: 0.3, seed: 6)),
            ("three levels", ar1(chains: 4, length: 50_001, rho: 0.9, seed: 8).map { $0.map { $0 > 1 ? 1 : $0 < -1 ? -1 : 0 } }),
            ("extreme", ar1(chains: 2, length: 5_000, rho: 0.2, seed: 7).map { $0.map { $0 * 1e300 } }),
        ]
        for (label, chains) in cases {
            assertSame(try textbook(chains), try ParameterSummary(parameter: "x", series: ParameterSeries(chains)), label)
            assertSame(try textbook(chains), try ParameterSummary(parameter: "x", chains: chains), label)
        }
    }

    /// With file-backed scratch and draws (threshold lowered) and summaries of `Draws` above the
    /// one-at-a-time size, the rows are those of the in-memory computation.
    func testFileBackedDrawsAndScratch() throws {
        let saved = DrawsStorage.fileBackedBytes
        DrawsStorage.fileBackedBytes = 1 << 16
        defer { DrawsStorage.fileBackedBytes = saved }
        let (m, n, d) = (4, 1_000_001, 2)
        let chains0 = ar1(chains: m, length: n, rho: 0.8, seed: 9)
        let chains1 = ar1(chains: m, length: n, rho: 0.3, seed: 10)
        var values = [Double](repeating: 0, count: m * n * d)
        for c in 0..<m { for i in 0..<n { values[(c * n + i) * d] = chains0[c][i]; values[(c * n + i) * d + 1] = chains1[c][i] } }
        var draws = Draws(chains: m, capacity: n, dimension: d)
        XCTAssertTrue(draws.storage.isFileBacked)
        draws.withMutableValues { p in for k in 0..<values.count { p[k] = values[k] } }
        draws.recorded = [Int](repeating: n, count: m)
        XCTAssertGreaterThan(m * n, DrawsSummary.sequentialAbove)
        let rows = try DrawsSummary.summarize(draws)
        assertSame(try textbook(chains0), rows[0], "x1")
        assertSame(try textbook(chains1), rows[1], "x2")
    }

    /// Summaries of every k-th draw are those of the thinned chains (draws 0, k, 2k, … of each),
    /// whatever the chains' lengths modulo k; the stride keeps at most `checkLength` per chain.
    func testSummariesOfEveryKthDraw() throws {
        let (m, n, d, k) = (3, 10_007, 2, 7)
        let chains = (0..<d).map { j in ar1(chains: m, length: n, rho: 0.6, seed: 20 + UInt64(j)) }
        var draws = Draws(chains: m, capacity: n, dimension: d)
        draws.withMutableValues { p in for c in 0..<m { for i in 0..<n { for j in 0..<d { p[(c * n + i) * d + j] = chains[j][c][i] } } } }
        draws.recorded = [Int](repeating: n, count: m)
        let rows = try DrawsSummary.summarize(draws, every: k)
        for j in 0..<d {
            let thinned = chains[j].map { chain in stride(from: 0, to: n, by: k).map { chain[$0] } }
            XCTAssertEqual(thinned[0].count, 1_430)
            assertSame(try textbook(thinned), rows[j], "x\(j + 1) every \(k)")
        }
        XCTAssertEqual(try DrawsSummary.summarize(draws, every: 1), try DrawsSummary.summarize(draws))
        XCTAssertThrowsError(try DrawsSummary.summarize(draws, every: 0))
        XCTAssertEqual(DrawsSummary.checkStride(draws, chains: [0, 1, 2]), 1)
        var long = Draws(chains: 1, capacity: 3 * DrawsSummary.checkLength + 1, dimension: 1)
        long.recorded = [long.capacity]
        XCTAssertEqual(DrawsSummary.checkStride(long, chains: [0]), 4)
    }

    /// Blocked leading autocovariances equal the whole-series transform, lag for lag: one lag
    /// block, several (2 048-draw blocks up to 16 384 lags, a series ending inside a block) and
    /// blocks of lags/8 beyond.
    func testLeadingAutocovariance() throws {
        for (n, lags) in [(1, 1), (5, 8), (1000, 16), (1001, 64), (4097, 1024), (3000, 2500), (20_011, 5000),
                          (9000, 8192), (70_001, 40_000), (5000, 5000)] {
            let x = ar1(chains: 1, length: n, rho: 0.7, seed: UInt64(n))[0]
            let whole = try Autocovariance.compute(x)
            let mean = x.reduce(0, +) / Double(n)
            let leading = try x.withUnsafeBufferPointer { try Autocovariance.leading($0, mean: mean, lags: lags) }
            XCTAssertEqual(leading.count, min(n, lags))
            for t in 0..<leading.count { XCTAssertEqual(leading[t], whole[t], accuracy: 1e-12 * max(1, abs(whole[0])), "n \(n) lag \(t)") }
        }
    }
}
