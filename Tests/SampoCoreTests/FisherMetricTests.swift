import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// The Fisher-divergence metric fits (ALGORITHMS §17) on exact Gaussian draws with their exact
/// gradients g = −Σ⁻¹(x − m): both fits are exact for any window there (Cov(g) = Σ⁻¹ Cov(x) Σ⁻¹), so
/// they must return Σ itself to rounding, where Stan's variance estimates are off by the window's
/// sampling error (≈ 10% at 200 draws).
final class FisherMetricTests: XCTestCase {
    /// 200 draws of N(m, Σ) with Σ = L Lᵀ, and their gradients.
    private func window(covariance sigma: [Double], d: Int, seed: UInt64) throws -> (x: [[Double]], g: [[Double]]) {
        let l = try Cholesky.factor(sigma, dimension: d)
        let precision = Cholesky.inverse(fromFactor: l, dimension: d)
        let rng = RandomStream(seed: seed)
        let m = (0..<d).map { Double($0) - 1.5 }
        var xs: [[Double]] = [], gs: [[Double]] = []
        for _ in 0..<200 {
            let z = (0..<d).map { _ in rng.normal() }
            let x = (0..<d).map { i in m[i] + (0...i).reduce(0) { $0 + l[i * d + $1] * z[$1] } }
            let g = (0..<d).map { i in -(0..<d).reduce(0) { $0 + precision[i * d + $1] * (x[$1] - m[$1]) } }
            xs.append(x); gs.append(g)
        }
        return (xs, gs)
    }

    private func fit(_ kind: MetricKind, _ w: (x: [[Double]], g: [[Double]]), d: Int, draws: Int = 200) -> MetricEstimator.Fit? {
        var e = MetricEstimator(dimension: d, kind: kind)
        for k in 0..<draws { w.x[k].withUnsafeBufferPointer { x in w.g[k].withUnsafeBufferPointer { e.add(x.baseAddress!, gradient: $0.baseAddress!) } } }
        return e.fit()
    }

    func testDiagonalFisherFitIsTheVarianceOfADiagonalGaussian() throws {
        let variances = [0.01, 0.5, 1, 4, 250]
        let d = variances.count
        var sigma = [Double](repeating: 0, count: d * d)
        for j in 0..<d { sigma[j * d + j] = variances[j] }
        let w = try window(covariance: sigma, d: d, seed: 3)
        let f = try XCTUnwrap(fit(.fisherDiag, w, d: d))
        XCTAssertFalse(f.fellBack)
        guard case .diagonal(let v) = f.metric else { return XCTFail("\(f.metric)") }
        for j in 0..<d { XCTAssertEqual(v[j] / variances[j], 1, accuracy: 1e-10, "coordinate \(j)") }
        // Stan's estimate from the same window is off by its sampling error.
        guard case .diagonal(let s)? = fit(.diag, w, d: d)?.metric else { return XCTFail() }
        XCTAssertGreaterThan((0..<d).map { abs(s[$0] / variances[$0] - 1) }.max() ?? 0, 0.05)
    }

    func testDenseFisherFitIsTheCovarianceOfACorrelatedGaussian() throws {
        // Σ = A Aᵀ + 0.1 I for a random A: correlated, condition number in the hundreds.
        let d = 6, rng = RandomStream(seed: 9)
        let a = (0..<(d * d)).map { _ in rng.normal() }
        var sigma = [Double](repeating: 0, count: d * d)
        for i in 0..<d { for j in 0..<d { sigma[i * d + j] = (0..<d).reduce(i == j ? 0.1 : 0) { $0 + a[i * d + $1] * a[j * d + $1] } } }
        let w = try window(covariance: sigma, d: d, seed: 4)
        let f = try XCTUnwrap(fit(.fisherDense, w, d: d))
        XCTAssertFalse(f.fellBack)
        guard case .dense(let s) = f.metric else { return XCTFail("\(f.metric)") }
        let scale = sigma.map(abs).max() ?? 1
        for k in 0..<(d * d) { XCTAssertEqual(s[k], sigma[k], accuracy: 1e-6 * scale, "entry \(k)") }
    }

    /// Fewer window draws than dimensions: Cov(g) is singular, so the dense fit falls back to the
    /// diagonal Fisher fit and says so; a coordinate whose gradient never varies makes the diagonal
    /// fit Stan's variances.
    func testFitsThatCannotBeMadeFallBack() throws {
        let d = 6
        var sigma = [Double](repeating: 0, count: d * d)
        for j in 0..<d { sigma[j * d + j] = 1 + Double(j) }
        let w = try window(covariance: sigma, d: d, seed: 5)
        let short = try XCTUnwrap(fit(.fisherDense, w, d: d, draws: 4))
        XCTAssertTrue(short.fellBack)
        XCTAssertEqual(short.metric, fit(.fisherDiag, w, d: d, draws: 4)?.metric)
        guard case .diagonal(let v) = short.metric else { return XCTFail("\(short.metric)") }
        for j in 0..<d { XCTAssertEqual(v[j] / sigma[j * d + j], 1, accuracy: 1e-10) }
        var flat = w
        for k in flat.g.indices { flat.g[k][2] = 0.5 }
        let f = try XCTUnwrap(fit(.fisherDiag, flat, d: d))
        XCTAssertTrue(f.fellBack)
        XCTAssertEqual(f.metric, fit(.diag, flat, d: d)?.metric)
    }

    func testMetricNamesAreTheRegistrysChoices() throws {
        for name in ["fisher-diag", "fisher-dense"] {
            XCTAssertNoThrow(try SamplerCatalog.named("nuts").parameters(["metric": .text(name)]), name)
        }
        XCTAssertThrowsError(try SamplerCatalog.named("nuts").parameters(["metric": .text("fisher")])) {
            XCTAssertTrue("\($0)".contains("fisher-diag"), "\($0)")
        }
    }
}
