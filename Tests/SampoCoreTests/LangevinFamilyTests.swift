import Foundation
import XCTest
import Sampo
import SampoTestSupport

final class LangevinFamilyTests: XCTestCase {
    private func run(_ sampler: String, _ target: NamedTarget, h: Double, set: [String: ParameterValue] = [:],
                     chains: Int = 4, steps: Int, warmup: Int = 2000, seed: UInt64 = 21,
                     initialization: Initialization = .normal) throws -> (SamplingJob, ChainRun) {
        let job = try SamplingJob(target: target, sampler: try SamplerCatalog.named(sampler), stepSize: h, parameters: set,
                                  settings: RunSettings(chains: chains, steps: steps, warmup: warmup, seed: seed, jobs: 2,
                                                        initialization: initialization))
        return (job, try job.run())
    }

    // MARK: one-step values (ALGORITHMS.md §2)

    func testMYULAOneStep() throws {
        let t = try TestSupport.target("lau-gmm-l1prior").density
        let k = try MYULA(target: t, stepSize: 0.05, lambda: 0.25)
        try k.reset(to: [0.5, -1])
        _ = k.step(noise: ScriptedNoise(normals: [0.3, -0.7]))
        XCTAssertEqual(k.currentPosition[0], 0.583031768675, accuracy: 1e-11)
        XCTAssertEqual(k.currentPosition[1], -1.172180009585, accuracy: 1e-11)
    }

    func testInjectedNoiseGivesDeterministicSteps() throws {
        let t = try TestSupport.target("lau-gmm").density
        for name in SamplerCatalog.markovNames {
            let info = try SamplerCatalog.named(name)
            let a = try info.makeKernel(target: t, stepSize: 0.05), b = try info.makeKernel(target: t, stepSize: 0.05)
            try a.reset(to: [0.5, -1]); try b.reset(to: [0.5, -1])
            for _ in 0..<3 {
                _ = a.step(noise: ScriptedNoise(normals: [0.3, -0.7, 1.1, 0.2], uniforms: [0.37]))
                _ = b.step(noise: ScriptedNoise(normals: [0.3, -0.7, 1.1, 0.2], uniforms: [0.37]))
            }
            XCTAssertEqual(a.currentPosition, b.currentPosition, name)
        }
    }

    // MARK: randomized midpoint: Brownian integrals

    func testBrownianIntegralCovariance() {
        let bi = BrownianIntegrals(gamma: 1.7, h: 0.8)
        let a = 0.37 * 0.8
        let exact = bi.covariance(a: a)
        // The closed form against ALGORITHMS.md §3.
        for (k, v) in [(0, 0.00603), (4, 0.27474), (8, 0.06928), (1, 0.01148), (2, 0.01519), (5, 0.0956)] {
            XCTAssertEqual(exact[k], v, accuracy: 1e-5 * max(1, v * 100))
        }
        // Many triples against the closed form, within 5 Monte Carlo standard errors.
        let rng = RandomStream(seed: 4)
        let n = 400_000
        var sums = [Double](repeating: 0, count: 9)
        for _ in 0..<n {
            let (x, y, z) = bi.draw(a: a, noise: rng)
            let v = [x, y, z]
            for i in 0..<3 { for j in 0..<3 { sums[i * 3 + j] += v[i] * v[j] } }
        }
        for i in 0..<3 {
            for j in 0..<3 {
                let est = sums[i * 3 + j] / Double(n)
                let se = ((exact[i * 4] * exact[j * 4] + exact[i * 3 + j] * exact[i * 3 + j]) / Double(n)).squareRoot()
                XCTAssertEqual(est, exact[i * 3 + j], accuracy: 5 * se, "(\(i), \(j))")
            }
        }
    }

    func testVarianceASeriesMatchesClosedFormNearPointOne() {
        for x in [0.09, 0.0999, 0.1, 0.1001, 0.11] {
            let s = OUCoefficients.varianceASeries(x), c = OUCoefficients.varianceAClosed(x)
            XCTAssertEqual(s, c, accuracy: 1e-10 * c, "x = \(x)")
        }
        // Far below 0.1 the closed form loses digits; the series keeps them: V_A ≈ τ³/3 − γτ⁴/4 + 7γ²τ⁵/60.
        let c = OUCoefficients(gamma: 2), tau = 1e-4
        let leading = pow(tau, 3) / 3 - 2 * pow(tau, 4) / 4 + 7 * 4 * pow(tau, 5) / 60
        XCTAssertEqual(c.varianceA(tau), leading, accuracy: 1e-9 * leading)  // next term is O(γ³τ⁶)
    }

    // MARK: stationary variance on a stiff Gaussian (variances 1 and 0.01, L = 100)

    private func stiffVarianceRatio(_ sampler: String, h: Double, steps: Int = 1_000_000) throws -> (Double, Double, String) {
        let g = try GaussianMixture(weights: [1], means: [[0, 0]], covariances: .diagonal([[1, 0.01]]))
        let (job, r) = try run(sampler, NamedTarget(name: "stiff", density: g), h: h, steps: steps, warmup: 5000)
        let sq = (0..<4).map { r.draws.series(chain: $0, coordinate: 1).map { $0 * $0 / 0.01 } }
        let (ratio, se) = TestSupport.batchMeans(sq)
        return (ratio, se, job.parameterNotes.joined())
    }

    func testStationaryVarianceOrdering() throws {
        let (rk, rkSE, note) = try stiffVarianceRatio("rklmc", h: 0.05)
        XCTAssertTrue(note.contains("friction = 20.0"), note)  // 2√L with L = 100
        XCTAssertEqual(rk, 1.0026, accuracy: 5 * rkSE); XCTAssertEqual(rk, 1, accuracy: 0.015)
        let (rl, rlSE, _) = try stiffVarianceRatio("rlmc", h: 0.005)
        XCTAssertEqual(rl, 1.0345, accuracy: 5 * rlSE); XCTAssertEqual(rl, 1, accuracy: 0.05)
        let (ula, ulaSE, _) = try stiffVarianceRatio("ula", h: 0.005)
        XCTAssertEqual(ula, 4.0 / 3, accuracy: 5 * ulaSE)
        let (baoab, bSE, _) = try stiffVarianceRatio("baoab", h: 0.05)
        XCTAssertEqual(baoab, 1, accuracy: 5 * bSE)
        let (klmc, kSE, _) = try stiffVarianceRatio("klmc", h: 0.05)
        XCTAssertEqual(klmc, 1.1398, accuracy: 5 * kSE)
        let (obabo, oSE, _) = try stiffVarianceRatio("obabo", h: 0.05)
        XCTAssertEqual(obabo, 1.0667, accuracy: 5 * oSE)
        let (euler, eSE, _) = try stiffVarianceRatio("kinetic-euler", h: 0.05)
        XCTAssertEqual(euler, 1.4815, accuracy: 5 * eSE)
        XCTAssertLessThan(rk, rl); XCTAssertLessThan(rl, ula)   // the point of the test
    }

    func testTwoGradientsPerStepForRandomizedMidpoint() throws {
        let t = try TestSupport.target("lau-gmm")
        for s in ["rlmc", "rklmc"] {
            let (_, r) = try run(s, t, h: 0.05, chains: 2, steps: 1000, warmup: 100)
            XCTAssertEqual(r.totalCounts.gradientEvaluations, 2 * (1 + 2 * 1100), s)
        }
        for s in ["mymala", "pmala"] {
            let (_, r) = try run(s, t, h: 0.05, chains: 1, steps: 1000, warmup: 0)
            XCTAssertEqual(r.totalCounts.gradientEvaluations, 1001, s)
            XCTAssertEqual(r.totalCounts.densityEvaluations, 1001, s)
        }
    }

    // MARK: proximal samplers on lau-gmm-l1prior

    private func assertMoments(_ r: ChainRun, _ target: NamedTarget, _ name: String) throws {
        let mean = try XCTUnwrap(target.moments.mean), cov = try XCTUnwrap(target.moments.covariance)
        for a in 0..<2 {
            let (m, se) = TestSupport.batchMeans((0..<4).map { r.draws.series(chain: $0, coordinate: a) })
            XCTAssertEqual(m, mean[a], accuracy: 5 * se, "\(name) mean x\(a + 1)")
            for b in 0...a {
                let f = (0..<4).map { c in
                    zip(r.draws.series(chain: c, coordinate: a), r.draws.series(chain: c, coordinate: b))
                        .map { ($0 - mean[a]) * ($1 - mean[b]) }
                }
                let (v, vse) = TestSupport.batchMeans(f)
                XCTAssertEqual(v, cov[a * 2 + b], accuracy: 5 * vse, "\(name) cov(\(a + 1),\(b + 1))")
            }
        }
    }

    func testMYMALAAndPMALAReproduceQuadratureMoments() throws {
        let target = try TestSupport.target("lau-gmm-l1prior")
        for s in ["mymala", "pmala"] {
            let (_, r) = try run(s, target, h: 0.3, steps: 400_000)
            XCTAssertTrue(r.divergedChains.isEmpty)
            try assertMoments(r, target, s)
        }
    }

    /// On N(0, 1)·e^{−2|x|} (1-D, unimodal, so the chains mix fast) MYULA's variance error shrinks
    /// with h and λ; the truth comes from quadrature.
    func testMYULABiasShrinksWithStepAndLambda() throws {
        let smooth = try GaussianMixture(weights: [1], means: [[0]], covariances: .isotropic([1]))
        let target = NamedTarget(name: "l1-gauss", density: CompositeTarget(smooth: smooth, nonsmooth: try L1Term(rate: 2, center: [0])))
        var z = 0.0, m2 = 0.0
        var x = -10.0
        while x <= 10 { let p = exp(-x * x / 2 - 2 * abs(x)); z += p; m2 += p * x * x; x += 1e-4 }
        let truth = m2 / z
        var errors: [(Double, Double)] = []
        for (h, lambda) in [(0.2, 1.0), (0.05, 0.25), (0.01, 0.05)] {
            let (_, r) = try run("myula", target, h: h, set: ["lambda": .real(lambda)], steps: 1_000_000, warmup: 5000)
            let (v, se) = TestSupport.batchMeans((0..<4).map { r.draws.series(chain: $0, coordinate: 0).map { $0 * $0 } })
            errors.append((abs(v - truth), se))
        }
        XCTAssertGreaterThan(errors[0].0 - errors[1].0, 5 * (errors[0].1 + errors[1].1), "\(errors)")
        XCTAssertGreaterThan(errors[1].0 - errors[2].0, 3 * (errors[1].1 + errors[2].1), "\(errors)")
    }

    // MARK: robustness

    func testEverySamplerOnEveryTargetFamily() throws {
        let boxed = NamedTarget(name: "box", density: CompositeTarget(
            smooth: try GaussianMixture(weights: [1], means: [[0, 0]], covariances: .isotropic([1])),
            nonsmooth: try BoxTerm(lower: [-1, 0], upper: [1, 2])))
        var targets = [boxed]
        for name in ["lau-gmm", "lau-laplace", "lau-gmm-l1prior", "funnel", "many-well", "double-well", "mueller-brown", "rosenbrock"] {
            targets.append(try TestSupport.target(name))
        }
        for t in targets {
            for s in SamplerCatalog.markovNames {
                let h = s == "rwm" ? 0.5 : (t.name == "mueller-brown" ? 1e-4 : 0.01)
                // The box target starts inside its box (a N(0, I) start may be infeasible).
                let (_, r) = try run(s, t, h: h, chains: 2, steps: 300, warmup: 50,
                                     initialization: t.name == "box" ? .point([0.1, 0.5]) : .normal)
                for c in 0..<2 where r.outcomes[c].divergedAt == nil {
                    XCTAssertTrue(r.draws.points(chains: [c]).allSatisfy { $0.allSatisfy(\.isFinite) }, "\(s) on \(t.name)")
                }
                if t.name == "box", ["psgla", "mymala", "pmala"].contains(s) {
                    // Samplers that respect the constraint never leave the box.
                    XCTAssertTrue(r.draws.points().allSatisfy { $0[0] >= -1 && $0[0] <= 1 && $0[1] >= 0 && $0[1] <= 2 }, s)
                }
            }
        }
    }

    /// A step far beyond stability blows unadjusted chains up: reported as divergence, never NaN statistics.
    func testBlowUpIsReportedAsDivergence() throws {
        let t = try TestSupport.target("lau-gmm")
        for s in ["ula", "rlmc", "myula", "psgla", "kinetic-euler", "obabo", "baoab", "klmc", "rklmc"] {
            let job = try SamplingJob(target: t, sampler: try SamplerCatalog.named(s), stepSize: 20,
                                      settings: RunSettings(chains: 2, steps: 2000, warmup: 0, seed: 21, jobs: 2))
            XCTAssertThrowsError(try job.run(), s) { XCTAssertEqual($0 as? SampoError, .allChainsDiverged(chains: 2)) }
            let r = try job.runKeepingDivergedChains()
            XCTAssertEqual(r.divergedChains, [0, 1], s)
            let q = SampleQuality(run: r, target: t)
            XCTAssertNil(q.meanError, s); XCTAssertNil(q.minBulkESS, s)
        }
    }
}
