import XCTest
import Sampo
import SampoTestSupport

final class SamplerTests: XCTestCase {
    private func run(_ sampler: String, target: NamedTarget, h: Double, chains: Int = 4, steps: Int,
                     seed: UInt64 = 11, jobs: Int = 2) throws -> ChainRun {
        let job = try SamplingJob(target: target, sampler: try SamplerCatalog.named(sampler), stepSize: h,
                                  parameters: [:], settings: RunSettings(chains: chains, steps: steps, warmup: 2000,
                                                                         thin: 1, seed: seed, jobs: jobs))
        return try job.run()
    }

    func testMALARecoversLauGMMMoments() throws {
        let target = try TestSupport.target("lau-gmm")
        let r = try run("mala", target: target, h: 0.3, steps: 400_000)
        try TestSupport.assertMomentsRecovered(r, target)
        XCTAssertEqual(r.totalCounts.gradientEvaluations, 4 * (400_000 + 2000 + 1))
        XCTAssertEqual(r.totalCounts.densityEvaluations, 0)
    }

    func testRWMRecoversLauGMMMoments() throws {
        let target = try TestSupport.target("lau-gmm")
        let r = try run("rwm", target: target, h: 2.0, steps: 400_000)
        try TestSupport.assertMomentsRecovered(r, target)
        XCTAssertEqual(r.totalCounts.densityEvaluations, 4 * (400_000 + 2000 + 1))
        let acc = r.outcomes.map(\.acceptanceRate)
        XCTAssertTrue(acc.allSatisfy { $0 > 0.05 && $0 < 0.95 })
    }

    /// ULA on N(0, σ²) is an AR(1) chain with stationary variance σ²/(1 − h/(2σ²)).
    func testULAStationaryVarianceClosedForm() throws {
        let sigma2 = 2.0
        let gaussian = try GaussianMixture(weights: [1], means: [[0]], covariances: .isotropic([sigma2]))
        let target = NamedTarget(name: "n01", density: gaussian)
        for h in [0.2, 1.0] {
            let r = try run("ula", target: target, h: h, steps: 1_000_000)
            let sq = (0..<4).map { r.draws.series(chain: $0, coordinate: 0).map { $0 * $0 } }
            let (v, se) = TestSupport.batchMeans(sq)
            let truth = sigma2 / (1 - h / (2 * sigma2))
            XCTAssertLessThan(abs(v - truth), 5 * se, "h = \(h): variance \(v) vs \(truth) (mcse \(se))")
            // The bias is resolved: the unbiased value σ² is far outside the error bars.
            XCTAssertGreaterThan(abs(v - sigma2), 10 * se, "h = \(h)")
        }
    }

    /// A deterministic ULA step from x with noise ξ: x' = x + h∇log π(x) + √(2h) ξ.
    func testULAOneStep() throws {
        let t = try XCTUnwrap(TestSupport.target("lau-gmm").density as? GaussianMixture)
        let k = try ULA(target: t, stepSize: 0.05)
        try k.reset(to: [0.5, -1])
        _ = k.step(noise: ScriptedNoise(normals: [0.3, -0.7]))
        let x = k.currentPosition
        XCTAssertEqual(x[0], 0.590531768675, accuracy: 1e-11)
        XCTAssertEqual(x[1], -1.179680009585, accuracy: 1e-11)
    }

    /// MALA repeats the current state on rejection: with a huge step almost every proposal is
    /// rejected, and consecutive draws are then exactly equal.
    func testMALARejectionRepeatsState() throws {
        let target = try TestSupport.target("lau-gmm")
        let r = try run("mala", target: target, h: 50, chains: 1, steps: 2000)
        let x = r.draws.series(chain: 0, coordinate: 0)
        let repeats = zip(x, x.dropFirst()).filter { $0 == $1 }.count
        let rejected = Int((1 - r.outcomes[0].acceptanceRate) * 2000)
        XCTAssertEqual(repeats, rejected, accuracy: 1)
        XCTAssertGreaterThan(repeats, 1500)
    }
}
