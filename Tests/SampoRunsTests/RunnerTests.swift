import XCTest
import Sampo
import SampoTestSupport

final class RunnerTests: XCTestCase {
    private func job(_ sampler: String, h: Double, chains: Int = 3, steps: Int = 500, jobs: Int, thin: Int = 1,
                     initialization: Initialization = .normal) throws -> SamplingJob {
        try SamplingJob(target: try TestSupport.target("lau-gmm"), sampler: try SamplerCatalog.named(sampler),
                        stepSize: h, parameters: [:],
                        settings: RunSettings(chains: chains, steps: steps, warmup: 100, thin: thin, seed: 99,
                                              jobs: jobs, initialization: initialization))
    }

    func testSameSeedSameDrawsForAnyJobs() throws {
        for s in ["ula", "mala", "rwm"] {
            let a = try job(s, h: 0.2, chains: 5, jobs: 1).run()
            let b = try job(s, h: 0.2, chains: 5, jobs: 2).run()
            let c = try job(s, h: 0.2, chains: 5, jobs: 4).run()
            XCTAssertEqual(a.draws, b.draws, s); XCTAssertEqual(a.draws, c.draws, s)
            XCTAssertEqual(DrawsCSV.render(a.draws), DrawsCSV.render(b.draws))
        }
    }

    func testChainsDiffer() throws {
        let r = try job("mala", h: 0.2, chains: 2, jobs: 1).run()
        XCTAssertNotEqual(r.draws.series(chain: 0, coordinate: 0), r.draws.series(chain: 1, coordinate: 0))
    }

    func testThinningAndZeroInit() throws {
        let r = try job("ula", h: 0.1, chains: 2, steps: 1000, jobs: 1, thin: 7, initialization: .zero).run()
        XCTAssertEqual(r.draws.recorded, [142, 142])
        XCTAssertEqual(r.totalCounts.gradientEvaluations, 2 * (1 + 1100))
    }

    /// ULA with a step far beyond stability blows up: the chain is reported as diverged, stops,
    /// and keeps only the finite draws it had.
    func testDivergenceIsReported() throws {
        let diverging = try job("ula", h: 5, chains: 2, steps: 1000, jobs: 2)
        XCTAssertThrowsError(try diverging.run()) { XCTAssertEqual($0 as? SampoError, .allChainsDiverged(chains: 2)) }
        let r = try diverging.runKeepingDivergedChains()
        XCTAssertEqual(r.divergedChains, [0, 1])
        for c in 0..<2 {
            let at = try XCTUnwrap(r.outcomes[c].divergedAt)
            XCTAssertLessThan(at, 1100)
            XCTAssertTrue(r.draws.points(chains: [c]).allSatisfy { $0.allSatisfy(\.isFinite) })
        }
        let quality = SampleQuality(run: r, target: try TestSupport.target("lau-gmm"))
        XCTAssertNil(quality.meanError)
    }

    func testDrawsCSVRoundTrips() throws {
        let r = try job("mala", h: 0.2, chains: 2, steps: 50, jobs: 1).run()
        let text = DrawsCSV.render(r.draws, metadata: [("seed", "99")])
        XCTAssertTrue(text.hasPrefix("# seed: 99\nchain,draw,x1,x2\n1,1,"))
        let csv = try NumericCSV.parse(text, path: "mem.csv")
        XCTAssertEqual(csv.rowCount, 100)
        for i in 0..<csv.rowCount {
            let row = Array(csv.row(i))
            let c = i / 50, k = i % 50
            XCTAssertEqual(row[0], Double(c + 1)); XCTAssertEqual(row[1], Double(k + 1))
            XCTAssertEqual(row[2], r.draws.value(chain: c, draw: k, coordinate: 0))  // exact round trip
            XCTAssertEqual(row[3], r.draws.value(chain: c, draw: k, coordinate: 1))
        }
    }

    func testAtomicWriteLeavesNoTemporaryFiles() throws {
        let path = TestSupport.write("old", name: "atomic.csv")
        try AtomicFile.write("new content\n", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "new content\n")
        let dir = (path as NSString).deletingLastPathComponent
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: dir).contains { $0.hasSuffix(".tmp") })
    }

    func testStreamSeedsAreDistinctAndStable() {
        XCTAssertEqual(StreamSeed.derive(seed: 1, stream: 0), StreamSeed.derive(seed: 1, stream: 0))
        let seeds = Set((0..<1000).map { StreamSeed.derive(seed: 1, stream: UInt64($0)) })
        XCTAssertEqual(seeds.count, 1000)
        XCTAssertNotEqual(StreamSeed.derive(seed: 1, stream: 1), StreamSeed.derive(seed: 2, stream: 0))
    }

    /// Stan's start: a uniform(−2, 2) draw where the density is not finite is redrawn (up to 100
    /// draws), so a density defined only on x > 1.5 (1/8 of the box: a first draw fails with
    /// probability 7/8) still starts every chain; the normal start is not redrawn.
    func testStansStartRedrawsWhereTheDensityIsNotFinite() throws {
        let shelf = NamedTarget(name: "shelf", density: ClosureTarget(dimension: 1, logDensity: { x in x[0] < 1.5 ? -.infinity : -x[0] }))
        func run(_ start: Initialization, seed: UInt64) throws -> ChainRun {
            try SamplingJob(target: shelf, sampler: try SamplerCatalog.named("rwm"), stepSize: 0.5,
                            settings: RunSettings(chains: 4, steps: 200, warmup: 0, seed: seed, jobs: 2, initialization: start)).run()
        }
        for seed: UInt64 in 1...5 {
            let r = try run(.uniform(2), seed: seed)
            for c in 0..<4 { XCTAssertTrue(r.draws.series(chain: c, coordinate: 0).allSatisfy { $0 >= 1.5 }) }
            // Four N(0, 1) starts all in x > 1.5: probability 0.067⁴.
            XCTAssertThrowsError(try run(.normal, seed: seed))
        }
        let nowhere = NamedTarget(name: "nowhere", density: ClosureTarget(dimension: 1, logDensity: { _ in -.infinity }))
        XCTAssertThrowsError(try SamplingJob(target: nowhere, sampler: try SamplerCatalog.named("rwm"), stepSize: 0.5,
                                             settings: RunSettings(chains: 1, steps: 10, initialization: .uniform(2))).run()) {
            guard case .nonFiniteStart(let chain, _)? = $0 as? SampoError else { return XCTFail("\($0)") }
            XCTAssertEqual(chain, 0)
        }
    }
}
