import Foundation
import XCTest
import Sampo

/// Issue 15's building blocks: the FFT blur, its adjoint, the TV prox and the envelope's gradient.
final class ImagingTests: XCTestCase {
    private func image(_ r: Int, _ c: Int, seed: Int = 1) -> [Double] {
        (0..<(r * c)).map { sin(Double(($0 + seed) * 7919 % 101)) }
    }

    /// y = k ⊛ x by the definition, with periodic boundary.
    private func directConvolution(_ x: [Double], kernel k: [Double], rows r: Int, cols c: Int) -> [Double] {
        var y = [Double](repeating: 0, count: r * c)
        for i in 0..<r { for j in 0..<c { for a in 0..<r { for b in 0..<c {
            y[i * c + j] += k[a * c + b] * x[((i - a + r) % r) * c + (j - b + c) % c]
        } } } }
        return y
    }

    func testFFTBlurEqualsDirectConvolutionAndAdjoint() throws {
        let r = 6, c = 5
        var k = [Double](repeating: 0, count: r * c)
        for (i, v) in [0.4, 0.2, 0.1, 0.3].enumerated() { k[[0, 1, c + 4, 2 * c][i]] = v }   // an asymmetric kernel
        let blur = try PeriodicBlur(kernel: k, rows: r, cols: c)
        let x = image(r, c), y = image(r, c, seed: 5)
        let fast = blur.apply(.forward, x), direct = directConvolution(x, kernel: k, rows: r, cols: c)
        for i in 0..<(r * c) { XCTAssertEqual(fast[i], direct[i], accuracy: 1e-13) }
        // ⟨Ax, y⟩ = ⟨x, Aᵀy⟩ and AᵀA x = Aᵀ(Ax), to rounding.
        let ax = blur.apply(.forward, x), aty = blur.apply(.adjoint, y)
        XCTAssertEqual(zip(ax, y).reduce(0) { $0 + $1.0 * $1.1 }, zip(x, aty).reduce(0) { $0 + $1.0 * $1.1 }, accuracy: 1e-12)
        let gram = blur.apply(.gram, x), twice = blur.apply(.adjoint, ax)
        for i in 0..<(r * c) { XCTAssertEqual(gram[i], twice[i], accuracy: 1e-13) }
        // The uniform box is a normalised 3 × 3 average; its gain is 1 (at frequency 0).
        let box = try PeriodicBlur.uniform(width: 3, rows: r, cols: c)
        let boxed = box.apply(.forward, x)
        var sum = 0.0
        for a in -1...1 { for b in -1...1 { sum += x[((2 + a) % r) * c + (3 + b) % c] } }
        let expected = sum / 9
        XCTAssertEqual(boxed[2 * c + 3], expected, accuracy: 1e-13)
        XCTAssertEqual(box.maxGain, 1, accuracy: 1e-12)
        XCTAssertThrowsError(try PeriodicBlur.uniform(width: 7, rows: r, cols: c))
        XCTAssertThrowsError(try PeriodicBlur.uniform(width: 2, rows: r, cols: c))
    }

    /// P(u) = TV(u) + ‖u − x‖²/(2μ), and the duality gap P(u) − (‖x‖² − ‖u‖²)/(2μ) of Chambolle's
    /// solution u = x − μ div p (|p| ≤ 1).
    private func primal(_ tv: TotalVariationTerm, _ u: [Double], _ x: [Double], mu: Double) -> Double {
        u.withUnsafeBufferPointer { tv.value(at: $0.baseAddress!, dimension: u.count) } / tv.theta
            + zip(u, x).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / (2 * mu)
    }

    func testTVProxIsOptimalAndMatchesBruteForce() throws {
        let n = 4, x = image(n, n, seed: 3).map { 2 * $0 }
        let theta = 1.5, lambda = 0.4, mu = theta * lambda
        let tv = try TotalVariationTerm(rows: n, cols: n, theta: theta, iterations: 20_000, tolerance: 0)
        let u = tv.prox(x, lambda: lambda)
        let gap = primal(tv, u, x, mu: mu) - (x.reduce(0) { $0 + $1 * $1 } - u.reduce(0) { $0 + $1 * $1 }) / (2 * mu)
        XCTAssertGreaterThanOrEqual(gap, -1e-9)
        XCTAssertLessThan(gap, 1e-6, "duality gap")
        // Brute force: subgradient descent on P with diminishing steps, best iterate kept.
        var v = x, best = primal(tv, x, x, mu: mu), bestV = x
        var g = [Double](repeating: 0, count: n * n)
        for t in 1...200_000 {
            v.withUnsafeBufferPointer { vp in g.withUnsafeMutableBufferPointer { tv.subgradient(at: vp.baseAddress!, into: $0.baseAddress!, dimension: n * n) } }
            let step = 0.05 / Double(t).squareRoot()
            for k in 0..<(n * n) { v[k] -= step * (g[k] / theta + (v[k] - x[k]) / mu) }
            let p = primal(tv, v, x, mu: mu)
            if p < best { best = p; bestV = v }
        }
        XCTAssertLessThanOrEqual(primal(tv, u, x, mu: mu), best + 1e-9)
        // Strong convexity (modulus 1/μ): ‖v − u*‖² ≤ 2μ(P(v) − P*).
        let distance = zip(u, bestV).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        XCTAssertLessThan(distance, (2 * mu * (best - primal(tv, u, x, mu: mu)) + 1e-12).squareRoot() + 1e-9)
        XCTAssertLessThan(distance, 0.05)
        // Fewer sweeps give an inexact prox whose error falls with the sweeps (25, the default, is a
        // compromise for sampling; the calibration used it).
        let errors = try [25, 200, 2000].map { k in
            let p = try TotalVariationTerm(rows: n, cols: n, theta: theta, iterations: k, tolerance: 0).prox(x, lambda: lambda)
            return zip(p, u).reduce(0.0) { max($0, abs($1.0 - $1.1)) }
        }
        XCTAssertGreaterThan(errors[0], errors[1])
        XCTAssertGreaterThan(errors[1], errors[2])
        XCTAssertLessThan(errors[2], 1e-3)
    }

    /// The Moreau envelope's gradient of the composite deconvolution target against central
    /// differences of its value.
    func testEnvelopeGradientMatchesFiniteDifferences() throws {
        let n = 4
        let blur = try PeriodicBlur.uniform(width: 3, rows: n, cols: n)
        let truth = image(n, n, seed: 2)
        let y = blur.apply(.forward, truth).map { $0 + 0.01 }
        let likelihood = try DeconvolutionLikelihood(blur: blur, observation: y, noiseSD: 0.1)
        XCTAssertEqual(likelihood.smoothnessConstant, 100, accuracy: 1e-9)
        XCTAssertEqual(likelihood.parameterNames[5], "p2_2")
        let target = CompositeTarget(smooth: likelihood, nonsmooth: try TotalVariationTerm(rows: n, cols: n, theta: 2, iterations: 20_000, tolerance: 0))
        let x = image(n, n, seed: 9), lambda = 0.05
        let (_, gradient) = target.smoothedLogDensityAndGradient(x, lambda: lambda)
        for k in 0..<(n * n) {
            var up = x, down = x
            up[k] += 1e-5; down[k] -= 1e-5
            let fd = (target.smoothedLogDensityAndGradient(up, lambda: lambda).0 - target.smoothedLogDensityAndGradient(down, lambda: lambda).0) / 2e-5
            XCTAssertEqual(gradient[k], fd, accuracy: 1e-4 * max(1, abs(fd)), "pixel \(k)")
        }
        // The smooth part alone: log π_f = −‖y − Ax‖²/(2σ²), its gradient Aᵀ(y − Ax)/σ².
        let (value, g) = likelihood.logDensityAndGradient(x)
        let residual = zip(y, blur.apply(.forward, x)).map { $0 - $1 }
        XCTAssertEqual(value, -residual.reduce(0) { $0 + $1 * $1 } / 0.02, accuracy: 1e-9)
        let expected = blur.apply(.adjoint, residual).map { $0 / 0.01 }
        for k in 0..<(n * n) { XCTAssertEqual(g[k], expected[k], accuracy: 1e-9) }
    }
}
