import Foundation
import XCTest
import Sampo
import SampoTestSupport

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
        // Odd and even widths: an even row's half spectrum ends in its real Nyquist term.
        for (r, c) in [(6, 5), (5, 6), (4, 4), (1, 7)] {
            var k = [Double](repeating: 0, count: r * c)
            for (i, v) in [0.4, 0.2, 0.1, 0.3].enumerated() { k[[0, 1 % c, (c + 4) % (r * c), (2 * c) % (r * c)][i]] += v }   // asymmetric
            let blur = try PeriodicBlur(kernel: k, rows: r, cols: c)
            let x = image(r, c), y = image(r, c, seed: 5)
            let fast = blur.apply(.forward, x), direct = directConvolution(x, kernel: k, rows: r, cols: c)
            for i in 0..<(r * c) { XCTAssertEqual(fast[i], direct[i], accuracy: 1e-13, "\(r) × \(c)") }
            // ⟨Ax, y⟩ = ⟨x, Aᵀy⟩ and AᵀA x = Aᵀ(Ax), to rounding.
            let ax = blur.apply(.forward, x), aty = blur.apply(.adjoint, y)
            XCTAssertEqual(zip(ax, y).reduce(0) { $0 + $1.0 * $1.1 }, zip(x, aty).reduce(0) { $0 + $1.0 * $1.1 }, accuracy: 1e-12)
            let gram = blur.apply(.gram, x), twice = blur.apply(.adjoint, ax)
            for i in 0..<(r * c) { XCTAssertEqual(gram[i], twice[i], accuracy: 1e-13, "\(r) × \(c)") }
        }
        let r = 6, c = 5, x = image(r, c)
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

    // MARK: the deconvolution family

    private let phantomFile = TestSupport.phantom64

    func testDeconvolutionFileAndItsErrors() throws {
        let target = try TargetFile.parse(phantomFile, file: "ph.toml")
        XCTAssertEqual(target.dimension, 64 * 64)
        XCTAssertEqual(target.parameterNames[64 + 2], "p2_3")
        let composite = try XCTUnwrap(target.density as? CompositeTarget)
        let y = try XCTUnwrap(composite.naturalStart)
        // The observation is A·truth + σε with σ = 0.02: its residual has about that sd.
        let likelihood = try XCTUnwrap(composite.smooth as? DeconvolutionLikelihood)
        let blurred = likelihood.blur.apply(.forward, SheppLogan.image(size: 64))
        let sd = (zip(y, blurred).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(y.count)).squareRoot()
        XCTAssertEqual(sd, 0.02, accuracy: 0.001)
        XCTAssertEqual(SheppLogan.image(size: 64).max() ?? 0, 1, accuracy: 1e-12)
        let cases: [(String, String, String)] = [
            ("size = 64", "size = 32", "field 'size': expected a side length in 64…512"),
            ("width = 5", "width = 65", "field 'blur.width': 65 is wider than the 64 × 64 image"),
            ("width = 5", "width = 4", "field 'blur.width': expected an odd whole number"),
            ("noise_sd = 0.02", "noise_sd = 0", "field 'noise_sd': expected a positive number"),
            ("noise_sd = 0.02", "noise_sd = 0.02\nsnr_db = 30", "give noise_sd or snr_db, not both"),
            ("theta = 20.0", "theta = -1.0", "field 'prior.theta': expected a positive number"),
            ("kind = \"tv\"", "kind = \"wavelet\"", "unknown prior 'wavelet'"),
            ("image = \"phantom\"\nsize = 64", "image = \"/nonexistent/x.pgm\"", "/nonexistent/x.pgm: file not found"),
            ("image = \"phantom\"", "image = \"/nonexistent/x.pgm\"", "field 'size': applies to image = \"phantom\" only"),
        ]
        for (from, to, expected) in cases {
            let message = TestSupport.parseError(phantomFile.replacingOccurrences(of: from, with: to), file: "ph.toml") ?? "parsed"
            XCTAssertTrue(message.contains(expected), "\(to): \(message)")
            XCTAssertTrue(message.hasPrefix("ph.toml") || message.contains("x.pgm"), message)
        }
    }

    func testPGMReader() throws {
        let text = Array("P2\n# a comment\n3 2\n10\n0 5 10\n10 5 0\n".utf8)
        let image = try PGMFile.parse(text, path: "a.pgm")
        XCTAssertEqual(image.rows, 2); XCTAssertEqual(image.cols, 3)
        XCTAssertEqual(image.pixels, [0, 0.5, 1, 1, 0.5, 0])
        let binary = try PGMFile.parse(Array("P5 2 2 255\n".utf8) + [0, 51, 255, 102], path: "b.pgm")
        XCTAssertEqual(binary.pixels, [0, 0.2, 1, 0.4])
        let wide = try PGMFile.parse(Array("P5 1 1 1000\n".utf8) + [0x01, 0xF4], path: "c.pgm")
        XCTAssertEqual(wide.pixels, [0.5])
        for (bytes, expected) in [(Array("P6 1 1 255\n".utf8) + [0, 0, 0], "not a PGM image"),
                                  (Array("P2 2 2 10\n1 2 3\n".utf8), "ends early"),
                                  (Array("P2 1 1 10\n11\n".utf8), "pixel 1: expected a whole number in 0…10"),
                                  (Array("P5 2 2 255\n".utf8) + [1, 2], "data is short"),
                                  (Array("P2 0 2 10\n".utf8), "width: expected a whole number in 1…8192")] {
            XCTAssertThrowsError(try PGMFile.parse(bytes, path: "bad.pgm")) { error in
                let m = (error as? SampoError)?.message ?? ""
                XCTAssertTrue(m.hasPrefix("bad.pgm: ") && m.contains(expected), m)
            }
        }
    }

    /// A 16 × 16 deblurring problem: the phantom subsampled fourfold, a uniform 3 × 3 blur and noise
    /// of sd σ (seed 4); returns the blur, the observation and its likelihood.
    private func smallProblem(n: Int, sigma: Double) throws -> (PeriodicBlur, [Double], DeconvolutionLikelihood) {
        let blur = try PeriodicBlur.uniform(width: 3, rows: n, cols: n)
        let truth = SheppLogan.image(size: 4 * n).enumerated().filter { ($0.offset / (4 * n)) % 4 == 0 && $0.offset % 4 == 0 }.map(\.element)
        let noise = RandomStream(seed: 4)
        let y = blur.apply(.forward, truth).map { $0 + sigma * noise.normal() }
        return (blur, y, try DeconvolutionLikelihood(blur: blur, observation: y, noiseSD: sigma))
    }

    /// Conjugate gradients for (AᵀA/σ² + I/s²) v = b (the matrix is symmetric positive definite).
    private func solve(_ blur: PeriodicBlur, sigma: Double, priorVariance s2: Double, _ b: [Double]) -> [Double] {
        func apply(_ v: [Double]) -> [Double] { zip(blur.apply(.gram, v), v).map { $0 / (sigma * sigma) + $1 / s2 } }
        var x = [Double](repeating: 0, count: b.count), r = b, p = b
        var rr = r.reduce(0) { $0 + $1 * $1 }
        for _ in 0..<500 where rr > 1e-28 {
            let ap = apply(p), alpha = rr / zip(p, ap).reduce(0) { $0 + $1.0 * $1.1 }
            for k in x.indices { x[k] += alpha * p[k]; r[k] -= alpha * ap[k] }
            let next = r.reduce(0) { $0 + $1 * $1 }
            for k in p.indices { p[k] = r[k] + next / rr * p[k] }
            rr = next
        }
        return x
    }

    /// A 16 × 16 deconvolution with a Gaussian prior N(0, I) in place of TV: the posterior is
    /// Gaussian, with mean (AᵀA/σ² + I)⁻¹Aᵀy/σ² and (the operator being circulant) the same variance
    /// at every pixel. P-MALA's running means and variances match it within 5 MCSE at every pixel;
    /// MYULA's match those of its own target, where the envelope turns the prior's variance 1 into
    /// 1 + λ (its mean is exact for ULA on a Gaussian; its variance carries ULA's O(h) bias, so only the
    /// mean is checked), and the defaults λ = 1/L_f, h = 1/(L_f + 1/λ) are the ones used.
    func testGaussianPriorPosteriorMatchesExactMoments() throws {
        // σ = 0.3 keeps L_f ≈ 11, so h = 1/(2L_f) mixes within ≈ 25 steps and the ⌊√n⌋ batches
        // of the MCSE (141 draws) are longer than the autocorrelation.
        let (n, sigma) = (16, 0.3)
        let (blur, y, likelihood) = try smallProblem(n: n, sigma: sigma)
        let target = NamedTarget(name: "gauss16", density: CompositeTarget(
            smooth: likelihood, nonsmooth: try SquaredL2Term(center: [Double](repeating: 0, count: n * n), scale: 1)))
        let rhs = blur.apply(.adjoint, y).map { $0 / (sigma * sigma) }
        let lambda = 1 / likelihood.smoothnessConstant
        var unit = [Double](repeating: 0, count: n * n); unit[0] = 1
        let exactVariance = solve(blur, sigma: sigma, priorVariance: 1, unit)[0]
        for (sampler, mean, variance) in [("pmala", solve(blur, sigma: sigma, priorVariance: 1, rhs), Optional(exactVariance)),
                                          ("myula", solve(blur, sigma: sigma, priorVariance: 1 + lambda, rhs), nil)] {
            let job = try SamplingJob(target: target, sampler: try SamplerCatalog.named(sampler), stepSize: nil,
                                      settings: RunSettings(chains: 4, steps: 20_000, warmup: 2_000, seed: 11, jobs: 2,
                                                            initialization: .point(y)))
            XCTAssertEqual(job.stepSize, 1 / (likelihood.smoothnessConstant + 1 / lambda), accuracy: 1e-15)
            let run = try job.run()
            for k in 0..<(n * n) {
                let series = (0..<4).map { run.draws.series(chain: $0, coordinate: k) }
                let (m, se) = TestSupport.batchMeans(series)
                XCTAssertLessThan(abs(m - mean[k]), 5 * se, "\(sampler) mean of pixel \(k): \(m) vs \(mean[k]) (mcse \(se))")
                if let v = variance {
                    let (s2, se2) = TestSupport.batchMeans(series.map { $0.map { ($0 - mean[k]) * ($0 - mean[k]) } })
                    XCTAssertLessThan(abs(s2 - v), 5 * se2, "\(sampler) variance of pixel \(k): \(s2) vs \(v) (mcse \(se2))")
                }
            }
        }
    }

    /// PSNR and SSIM by their definitions, and a short MYULA run on the 64 × 64 phantom whose
    /// posterior mean is closer to the truth than the observation it starts from.
    func testPSNRAndSSIMAndAShortDeblurringRun() throws {
        let truth = SheppLogan.image(size: 64)
        XCTAssertEqual(try XCTUnwrap(ImageQuality.psnr(truth.map { $0 + 0.1 }, truth: truth)), 20, accuracy: 1e-9)   // range 1, MSE 0.01
        XCTAssertEqual(try XCTUnwrap(ImageQuality.ssim(truth, truth: truth, rows: 64, cols: 64)), 1, accuracy: 1e-12)
        let noise = RandomStream(seed: 2)
        let noisy = truth.map { $0 + 0.1 * noise.normal() }
        let s = try XCTUnwrap(ImageQuality.ssim(noisy, truth: truth, rows: 64, cols: 64))
        XCTAssertLessThan(s, 0.9); XCTAssertGreaterThan(s, 0)
        XCTAssertNil(ImageQuality.ssim(truth, truth: truth, rows: 8, cols: 512))   // smaller than the window

        let target = try TargetFile.parse(phantomFile, file: "ph.toml")
        let y = try XCTUnwrap((target.density as? CompositeTarget)?.naturalStart)
        var settings = RunSettings(chains: 1, steps: 400, warmup: 0, seed: 1, jobs: 1, initialization: .point(y))
        settings.momentProbabilities = [0.5]
        settings.keepDraws = false
        let run = try SamplingJob(target: target, sampler: try SamplerCatalog.named("myula"), stepSize: nil, settings: settings).run()
        let quality = SampleQuality(run: run, target: target)
        let observed = try XCTUnwrap(ImageQuality.psnr(y, truth: truth))
        let mean = try XCTUnwrap(quality.psnr)
        XCTAssertGreaterThan(mean, observed + 1, "posterior mean \(mean) dB vs observation \(observed) dB")
        XCTAssertGreaterThan(try XCTUnwrap(quality.ssim), try XCTUnwrap(ImageQuality.ssim(y, truth: truth, rows: 64, cols: 64)))
    }

    /// FISTA finds the MAP: on the 16 × 16 Gaussian-prior problem it is the exact posterior mean;
    /// with TV its objective falls to below that of the observation it starts from.
    func testFISTAFindsTheMAP() throws {
        let (n, sigma) = (16, 0.3)
        let (blur, y, likelihood) = try smallProblem(n: n, sigma: sigma)
        let gaussian = CompositeTarget(smooth: likelihood, nonsmooth: try SquaredL2Term(center: [Double](repeating: 0, count: n * n), scale: 1))
        let exact = solve(blur, sigma: sigma, priorVariance: 1, blur.apply(.adjoint, y).map { $0 / (sigma * sigma) })
        let map = try CompositeMAP.fista(gaussian, start: y, iterations: 500)
        for k in 0..<(n * n) { XCTAssertEqual(map.point[k], exact[k], accuracy: 1e-8) }
        let tv = CompositeTarget(smooth: likelihood, nonsmooth: try TotalVariationTerm(rows: n, cols: n, theta: 2))
        let r = try CompositeMAP.fista(tv, start: y, iterations: 200)
        let atStart = -likelihood.logDensity(y) + y.withUnsafeBufferPointer { tv.nonsmooth.value(at: $0.baseAddress!, dimension: n * n) }
        XCTAssertLessThan(r.objective.last ?? .nan, atStart)
        XCTAssertLessThan(r.objective.last ?? .nan, r.objective[9])
    }
}
