import XCTest
import Sampo
import SampoTestSupport

final class DistanceTests: XCTestCase {
    private func standardNormal() throws -> GaussianMixture {
        try GaussianMixture(weights: [1], means: [[0, 0]], covariances: .isotropic([1]))
    }

    private func draws(_ n: Int, seed: UInt64, shift: Double = 0) -> [[Double]] {
        let rng = RandomStream(seed: seed)
        return (0..<n).map { _ in [rng.normal() + shift, rng.normal()] }
    }

    /// KSD of exact N(0, I₂) draws: mean over 20 replicates against ALGORITHMS.md §6
    /// (0.1245 / 0.059 / 0.0446 at n = 250 / 1000 / 2000), 15% tolerance as documented there.
    func testKSDOfExactDrawsShrinksLikeOneOverRootN() throws {
        let target = try standardNormal()
        var means: [Double] = []
        for (n, expected) in [(250, 0.1245), (1000, 0.059), (2000, 0.0446)] {
            var total = 0.0
            for r in 0..<20 {
                let x = draws(n, seed: UInt64(1000 * n + r))
                let scores = x.map { target.logDensityAndGradient($0).1 }
                total += Distances.kernelSteinDiscrepancy(points: x, scores: scores)
            }
            let mean = total / 20
            XCTAssertEqual(mean, expected, accuracy: 0.15 * expected, "n = \(n)")
            means.append(mean)
        }
        XCTAssertEqual(means[0] / means[1], 2, accuracy: 0.3)  // √(1000/250)
    }

    func testKSDDetectsAWrongSample() throws {
        let target = try standardNormal()
        let x = draws(500, seed: 9, shift: 1)
        let good = draws(500, seed: 9)
        let ksd = { (p: [[Double]]) in Distances.kernelSteinDiscrepancy(points: p, scores: p.map { target.logDensityAndGradient($0).1 }) }
        XCTAssertGreaterThan(ksd(x), 4 * ksd(good))
    }

    func testSlicedW2AndEnergyDistance() {
        let a = draws(2000, seed: 1), b = draws(2000, seed: 2), shifted = draws(2000, seed: 2, shift: 1)
        let w2Same = Distances.slicedWasserstein2(a, b), w2Shift = Distances.slicedWasserstein2(a, shifted)
        XCTAssertLessThan(w2Same, 0.08)
        // A shift of 1 along x1, averaged over random directions: √E[cos²θ] = √½ ≈ 0.707.
        XCTAssertEqual(w2Shift, 0.707, accuracy: 0.08)
        let eSame = Distances.energyDistance(a, b), eShift = Distances.energyDistance(a, shifted)
        XCTAssertLessThan(eSame, 0.1)
        XCTAssertGreaterThan(eShift, 4 * eSame)
        XCTAssertEqual(Distances.energyDistance(a, a), 0, accuracy: 1e-7)
    }

    func testModeWeightTV() {
        XCTAssertEqual(Distances.modeWeightTV(labels: [0, 0, 1, 1], weights: [0.5, 0.5]), 0)
        XCTAssertEqual(Distances.modeWeightTV(labels: [0, 0, 0, 1], weights: [0.5, 0.5]), 0.25, accuracy: 1e-15)
    }

    /// Exact draws of lau-gmm measured against lau-gmm: every distance is small.
    func testQualityOfExactDrawsIsGood() throws {
        let target = try TestSupport.target("lau-gmm")
        let d = try ExactDraws.draw(target, count: 20_000, seed: 77)
        let q = SampleQuality(points: d.points(), target: target)
        XCTAssertLessThan(try XCTUnwrap(q.meanError), 0.1)
        XCTAssertLessThan(try XCTUnwrap(q.modeWeightTV), 0.02)
        XCTAssertLessThan(try XCTUnwrap(q.slicedW2), 0.1)
        XCTAssertLessThan(try XCTUnwrap(q.energyDistance), 0.15)
        XCTAssertEqual(q.quadraticPoints, SampleQuality.quadraticCap)
        XCTAssertNotNil(q.ksd)
    }
}
