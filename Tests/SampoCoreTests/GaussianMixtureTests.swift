import XCTest
import Sampo
import SampoTestSupport

final class GaussianMixtureTests: XCTestCase {
    /// Checked values of ALGORITHMS.md §1.1 (U = −log π, so ∇log π = −∇U).
    func testLauGMMCheckedValues() throws {
        let t = try TestSupport.target("lau-gmm").density
        let (lp1, g1) = t.logDensityAndGradient([0.5, -1])
        XCTAssertEqual(exp(lp1), 0.02399872287011504, accuracy: 1e-15)
        XCTAssertEqual(-lp1, 3.7297546637953, accuracy: 1e-12)
        XCTAssertEqual(-g1[0], 0.0867312226, accuracy: 1e-10)
        XCTAssertEqual(-g1[1], -0.83358853254, accuracy: 1e-10)
        XCTAssertEqual(t.logDensity([0.5, -1]), lp1, accuracy: 1e-14)
        let (lp2, g2) = t.logDensityAndGradient([1, 1])
        XCTAssertEqual(-lp2, 5.300576244663564, accuracy: 1e-12)
        XCTAssertEqual(-g2[0], 1.991404342354, accuracy: 1e-11)
        XCTAssertEqual(-g2[1], 1.985879676453, accuracy: 1e-11)
    }

    func testLauGMMExactMoments() throws {
        let m = try TestSupport.target("lau-gmm").moments
        let mean = try XCTUnwrap(m.mean), cov = try XCTUnwrap(m.covariance)
        XCTAssertEqual(mean[0], 0.2, accuracy: 1e-14); XCTAssertEqual(mean[1], 0.2, accuracy: 1e-14)
        for (a, b) in zip(cov, [4.96, 0.134, 0.134, 6.9]) { XCTAssertEqual(a, b, accuracy: 1e-12) }
    }

    /// Far from every mode the mixture must not underflow (log-sum-exp).
    func testNoUnderflowFarAway() throws {
        let t = try TestSupport.target("lau-gmm").density
        let (lp, g) = t.logDensityAndGradient([60, -80])
        XCTAssertTrue(lp.isFinite); XCTAssertTrue(g.allSatisfy(\.isFinite))
    }

    /// Gradients of random mixtures of every covariance shape against central differences.
    func testGradientsMatchFiniteDifferences() throws {
        let rng = RandomStream(seed: 42)
        for shape in 0..<3 {
            for _ in 0..<5 {
                let d = 1 + Int(rng.uniform() * 4), k = 1 + Int(rng.uniform() * 4)
                let w = (0..<k).map { _ in 0.1 + rng.uniform() }
                let mu = (0..<k).map { _ in (0..<d).map { _ in 3 * rng.normal() } }
                let cov: GaussianMixture.Covariances
                switch shape {
                case 0: cov = .isotropic((0..<k).map { _ in 0.3 + rng.uniform() })
                case 1: cov = .diagonal((0..<k).map { _ in (0..<d).map { _ in 0.3 + rng.uniform() } })
                default:
                    cov = .full((0..<k).map { _ in
                        let a = (0..<(d * d)).map { _ in rng.normal() }
                        return (0..<d).map { i in (0..<d).map { j in
                            (0..<d).reduce(0.0) { $0 + a[i * d + $1] * a[j * d + $1] } + (i == j ? 0.5 : 0)
                        } }
                    })
                }
                let t = try GaussianMixture(weights: w, means: mu, covariances: cov)
                let x = (0..<d).map { _ in 2 * rng.normal() }
                let (_, g) = t.logDensityAndGradient(x)
                for j in 0..<d {
                    let eps = 1e-5
                    var xp = x, xm = x
                    xp[j] += eps; xm[j] -= eps
                    let fd = (t.logDensity(xp) - t.logDensity(xm)) / (2 * eps)
                    XCTAssertEqual(g[j], fd, accuracy: 1e-6 * max(1, abs(fd)), "shape \(shape) d \(d) k \(k)")
                }
            }
        }
    }

    /// Exact draws reproduce the mixture moments within 5 Monte Carlo standard errors (iid draws).
    func testExactDrawsReproduceMoments() throws {
        let target = try TestSupport.target("lau-gmm")
        let n = 400_000
        let draws = try ExactDraws.draw(target, count: n, seed: 7)
        let x = draws.series(chain: 0, coordinate: 0), y = draws.series(chain: 0, coordinate: 1)
        let mean = try XCTUnwrap(target.moments.mean), cov = try XCTUnwrap(target.moments.covariance)
        func check(_ f: [Double], _ truth: Double, _ what: String) {
            let m = f.reduce(0, +) / Double(n)
            let sd = (f.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n - 1)).squareRoot()
            XCTAssertLessThan(abs(m - truth), 5 * sd / Double(n).squareRoot(), what)
        }
        check(x, mean[0], "mean x1"); check(y, mean[1], "mean x2")
        check(x.map { ($0 - mean[0]) * ($0 - mean[0]) }, cov[0], "var x1")
        check(zip(x, y).map { ($0 - mean[0]) * ($1 - mean[1]) }, cov[1], "cov x1 x2")
        check(y.map { ($0 - mean[1]) * ($0 - mean[1]) }, cov[3], "var x2")
    }

    func testIsotropicAndDiagonalAgreeWithFull() throws {
        let iso = try GaussianMixture(weights: [1, 3], means: [[0, 1], [2, -1]], covariances: .isotropic([0.5, 2]))
        let diag = try GaussianMixture(weights: [1, 3], means: [[0, 1], [2, -1]], covariances: .diagonal([[0.5, 0.5], [2, 2]]))
        let full = try GaussianMixture(weights: [1, 3], means: [[0, 1], [2, -1]],
                                       covariances: .full([[[0.5, 0], [0, 0.5]], [[2, 0], [0, 2]]]))
        for x in [[0.3, -0.2], [5.0, 4.0]] {
            let (a, ga) = iso.logDensityAndGradient(x), (b, gb) = diag.logDensityAndGradient(x)
            let (c, gc) = full.logDensityAndGradient(x)
            XCTAssertEqual(a, c, accuracy: 1e-13); XCTAssertEqual(b, c, accuracy: 1e-13)
            for j in 0..<2 { XCTAssertEqual(ga[j], gc[j], accuracy: 1e-13); XCTAssertEqual(gb[j], gc[j], accuracy: 1e-13) }
        }
        XCTAssertEqual(iso.weights, [0.25, 0.75])
    }
}
