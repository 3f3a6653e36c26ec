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
    private func window(covariance sigma: [Double], d: Int, seed: UInt64, count: Int = 200) throws -> (x: [[Double]], g: [[Double]]) {
        let l = try Cholesky.factor(sigma, dimension: d)
        let precision = Cholesky.inverse(fromFactor: l, dimension: d)
        let rng = RandomStream(seed: seed)
        let m = (0..<d).map { Double($0) - 1.5 }
        var xs: [[Double]] = [], gs: [[Double]] = []
        for _ in 0..<count {
            let z = (0..<d).map { _ in rng.normal() }
            let x = (0..<d).map { i in m[i] + (0...i).reduce(0) { $0 + l[i * d + $1] * z[$1] } }
            let g = (0..<d).map { i in -(0..<d).reduce(0) { $0 + precision[i * d + $1] * (x[$1] - m[$1]) } }
            xs.append(x); gs.append(g)
        }
        return (xs, gs)
    }

    private func fit(_ kind: MetricKind, _ w: (x: [[Double]], g: [[Double]]), d: Int, draws: Int = 200,
                     lowRank: MetricEstimator.LowRankOptions = .init()) -> MetricEstimator.Fit? {
        var e = MetricEstimator(dimension: d, kind: kind, lowRank: lowRank)
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
        // A window too short for low rank (2 draws) falls back to the diagonal Fisher fit, and says so.
        let tiny = try XCTUnwrap(fit(.fisherLowRank, w, d: d, draws: 2))
        XCTAssertTrue(tiny.fellBack)
        XCTAssertEqual(tiny.metric, fit(.fisherDiag, w, d: d, draws: 2)?.metric)
        var flat = w
        for k in flat.g.indices { flat.g[k][2] = 0.5 }
        let f = try XCTUnwrap(fit(.fisherDiag, flat, d: d))
        XCTAssertTrue(f.fellBack)
        XCTAssertEqual(f.metric, fit(.diag, flat, d: d)?.metric)
    }

    func testMetricNamesAreTheRegistrysChoices() throws {
        for name in ["fisher-diag", "fisher-dense", "fisher-lowrank"] {
            XCTAssertNoThrow(try SamplerCatalog.named("nuts").parameters(["metric": .text(name)]), name)
        }
        XCTAssertThrowsError(try SamplerCatalog.named("nuts").parameters(["metric": .text("fisher")])) {
            XCTAssertTrue("\($0)".contains("fisher-diag"), "\($0)")
        }
    }

    /// Σ = D(I + Σᵢ (λᵢ − 1) uᵢuᵢᵀ)D: a diagonal with a planted rank-k perturbation.
    private func planted(d: Int, seed: UInt64, eigenvalues: [Double]) -> (sigma: [Double], directions: [[Double]]) {
        let rng = RandomStream(seed: seed)
        let scales = (0..<d).map { _ in exp(2 * rng.normal()) }
        var u: [[Double]] = []
        for _ in eigenvalues {
            var v = (0..<d).map { _ in rng.normal() }
            for w in u { let s = zip(v, w).reduce(0) { $0 + $1.0 * $1.1 }; v = zip(v, w).map { $0 - s * $1 } }
            let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            u.append(v.map { $0 / n })
        }
        var sigma = [Double](repeating: 0, count: d * d)
        for a in 0..<d {
            for b in 0..<d {
                var s = a == b ? 1.0 : 0
                for (i, l) in eigenvalues.enumerated() { s += (l - 1) * u[i][a] * u[i][b] }
                sigma[a * d + b] = scales[a] * s * scales[b]
            }
        }
        // The planted directions in the original coordinates (Σ's own eigen-directions do not
        // matter here): D uᵢ, normalised.
        let directions = u.map { v -> [Double] in
            let w = (0..<d).map { scales[$0] * v[$0] }
            let n = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return w.map { $0 / n }
        }
        return (sigma, directions)
    }

    /// Keeping every eigenpair (cut-off 1) with a negligible γ, the low-rank fit is the dense Fisher
    /// fit written as D(I + Σ (λ − 1) uuᵀ)D: Σ itself to rounding, from 200 exact draws and gradients
    /// (2n ≥ d: the full space).
    func testLowRankFitRecoversAPlantedPerturbationExactly() throws {
        let d = 12
        let (sigma, _) = planted(d: d, seed: 21, eigenvalues: [40, 0.02])
        let w = try window(covariance: sigma, d: d, seed: 22)
        let f = try XCTUnwrap(fit(.fisherLowRank, w, d: d, lowRank: .init(cutoff: 1, gamma: 1e-14)))
        XCTAssertFalse(f.fellBack)
        let m = try XCTUnwrap(f.metric.lowRank)
        let s = m.dense
        for a in 0..<d {
            for b in 0..<d {
                let scale = (sigma[a * d + a] * sigma[b * d + b]).squareRoot()
                XCTAssertEqual(s[a * d + b] / scale, sigma[a * d + b] / scale, accuracy: 1e-6, "entry (\(a), \(b))")
            }
        }
    }

    /// With nutpie's defaults (c = 2, γ = 10⁻⁵) and fewer draws than half the dimension (d = 300,
    /// n = 100) the fit works in the 2n-dimensional span of the rescaled draws and gradients: it
    /// must equal the same fit done in all of ℝᵈ (to rounding), and along the two planted
    /// directions (×400 and ×1/400 after rescaling) its variance must be at least twice as close
    /// (in log ratio) to Σ's as Stan's variances or the diagonal Fisher fit are.
    func testLowRankFitInTheSpanOfAShortWindow() throws {
        let d = 300, n = 100
        let (sigma, directions) = planted(d: d, seed: 31, eigenvalues: [400, 0.0025])
        let w = try window(covariance: sigma, d: d, seed: 32, count: n)
        var e = MetricEstimator(dimension: d, kind: .fisherLowRank)
        for k in 0..<n { w.x[k].withUnsafeBufferPointer { x in w.g[k].withUnsafeBufferPointer { e.add(x.baseAddress!, gradient: $0.baseAddress!) } } }
        let sub = try XCTUnwrap(e.fit()), full = try XCTUnwrap(e.fit(fullSpace: true))
        XCTAssertFalse(sub.fellBack)
        let m = try XCTUnwrap(sub.metric.lowRank), f = try XCTUnwrap(full.metric.lowRank)
        XCTAssertEqual(m.rank, f.rank)
        XCTAssertGreaterThanOrEqual(m.rank, 2)
        for k in 0..<m.rank { XCTAssertEqual(m.eigenvalues[k], f.eigenvalues[k], accuracy: 1e-8 * f.eigenvalues[k]) }
        let dense = m.dense, fullDense = f.dense, scale = dense.map(abs).max() ?? 1
        for k in dense.indices { XCTAssertEqual(dense[k], fullDense[k], accuracy: 1e-8 * scale) }
        func quadratic(_ m: [Double], _ v: [Double]) -> Double {
            var s = 0.0
            for a in 0..<d { var r = 0.0; for b in 0..<d { r += m[a * d + b] * v[b] }; s += v[a] * r }
            return s
        }
        func diagonalQuadratic(_ m: [Double], _ v: [Double]) -> Double { zip(m, v).reduce(0) { $0 + $1.0 * $1.1 * $1.1 } }
        guard case .diagonal(let stan)? = fit(.diag, w, d: d, draws: n)?.metric,
              case .diagonal(let fisher)? = fit(.fisherDiag, w, d: d, draws: n)?.metric else { return XCTFail() }
        for v in directions {
            let exact = quadratic(sigma, v)
            let lowRank = abs(log(quadratic(dense, v) / exact))
            let diagonal = min(abs(log(diagonalQuadratic(stan, v) / exact)), abs(log(diagonalQuadratic(fisher, v) / exact)))
            XCTAssertLessThan(lowRank, 0.5 * diagonal, "log error along a planted direction: low rank \(lowRank), diagonal \(diagonal)")
        }
    }

    /// The low-rank metric applied and sampled with its factors: M⁻¹p equals the d × d matrix's
    /// product, and momenta p = M^{1/2}ξ (ξ the unit vectors) have Σ ppᵀ = M, i.e. (Σ ppᵀ) M⁻¹ = I.
    func testLowRankMetricAppliesAndSamplesWithItsFactors() throws {
        let d = 7
        let (sigma, _) = planted(d: d, seed: 41, eigenvalues: [9, 0.1, 3])
        let w = try window(covariance: sigma, d: d, seed: 42)
        let m = try XCTUnwrap(fit(.fisherLowRank, w, d: d, lowRank: .init(cutoff: 1.5, gamma: 1e-5))?.metric.lowRank)
        XCTAssertGreaterThanOrEqual(m.rank, 2)
        let buffers = MetricBuffers(dimension: d)
        try buffers.set(.lowRank(m))
        let dense = m.dense
        let p = [0.3, -1.2, 2, 0.5, -0.7, 1.1, 0.05]
        var v = [Double](repeating: 0, count: d)
        p.withUnsafeBufferPointer { pb in v.withUnsafeMutableBufferPointer { buffers.apply(pb.baseAddress!, into: $0.baseAddress!) } }
        for a in 0..<d { XCTAssertEqual(v[a], (0..<d).reduce(0) { $0 + dense[a * d + $1] * p[$1] }, accuracy: 1e-10 * (dense.map(abs).max() ?? 1)) }
        final class UnitVectors: NoiseSource {
            var k = 0, i = 0
            let d: Int
            init(d: Int) { self.d = d }
            func normal() -> Double { defer { i += 1 }; return i % d == k ? 1 : 0 }
            func uniform() -> Double { 0.5 }
            func uniformPositive() -> Double { 0.5 }
        }
        let noise = UnitVectors(d: d)
        var columns: [[Double]] = []
        for k in 0..<d {
            noise.k = k; noise.i = 0
            var q = [Double](repeating: 0, count: d)
            q.withUnsafeMutableBufferPointer { buffers.drawMomentum($0.baseAddress!, noise: noise) }
            columns.append(q)
        }
        for a in 0..<d {
            for b in 0..<d {
                // (Σ_k p_k p_kᵀ M⁻¹)_{ab}
                var s = 0.0
                for c in 0..<d { s += columns.reduce(0) { $0 + $1[a] * $1[c] } * dense[c * d + b] }
                XCTAssertEqual(s, a == b ? 1 : 0, accuracy: 1e-9, "(\(a), \(b))")
            }
        }
    }

    /// nuts-rs's schedule for 1 000 warm-up draws: switches every 10 draws up to draw 300, then
    /// every 80, none that would end after draw 850, no metric draws after it; the
    /// window never holds more than the two latest parts.
    func testNutpieScheduleSwitchesAsNutsRs() {
        let s = NutpieSchedule(warmup: 1000)
        XCTAssertEqual(s.earlyEnd, 300)
        XCTAssertEqual(s.finalWindowStart, 850)
        let switches = s.switches
        XCTAssertEqual(Array(switches.prefix(3)), [9, 19, 29])
        let early = switches.filter { $0 < 300 }, late = switches.filter { $0 >= 300 }
        XCTAssertEqual(early.count, 30)
        // Every 80 draws; the next would end after draw 850: the last window grows to the end instead.
        XCTAssertEqual(zip(late, [early.last!] + late).map { $0 - $1 }, [80, 80, 80, 80, 80])
        XCTAssertGreaterThan(late.last! + 80 + 80, 850)
        XCTAssertEqual(s.largestWindow, 80 + (849 - late.last!))
        XCTAssertLessThan(s.largestWindow, 1000)
        // A short warm-up still ends with a step-size-only window.
        let short = NutpieSchedule(warmup: 20)
        XCTAssertEqual(short.finalWindowStart, 17)
    }

    func testLowRankMetricRejectsWhatIsNotOne() {
        XCTAssertThrowsError(try LowRankMetric(scales: [1, 2], eigenvalues: [2], vectors: [1, 1])) {
            XCTAssertTrue("\($0)".contains("orthonormal"), "\($0)")
        }
        XCTAssertThrowsError(try LowRankMetric(scales: [1, -2], eigenvalues: [], vectors: []))
        XCTAssertThrowsError(try LowRankMetric(scales: [1, 2], eigenvalues: [2], vectors: [1, 0, 0]))
        XCTAssertNoThrow(try LowRankMetric(scales: [1, 2], eigenvalues: [2], vectors: [0.6, 0.8]))
    }
}
