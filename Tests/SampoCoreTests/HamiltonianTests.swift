import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// HMC and NUTS: the integrator, acceptance against its exact expectation, moments of Gaussian
/// and multimodal targets, Stan's warm-up, sampler columns and reproducibility.
final class HamiltonianTests: XCTestCase {
    /// N(m, Σ) in 3-D with strong correlations.
    private func correlatedGaussian() throws -> NamedTarget {
        let cov: [[Double]] = [[2.0, 1.2, -0.4], [1.2, 1.5, 0.3], [-0.4, 0.3, 0.5]]
        return NamedTarget(name: "corr3", density: try GaussianMixture(weights: [1], means: [[1, -2, 0.5]], covariances: .full([cov])))
    }

    private func job(_ sampler: String, _ target: NamedTarget, h: Double? = nil, steps: Int, warmup: Int = 1000, chains: Int = 4,
                     seed: UInt64 = 5, jobs: Int = 2, parameters: [String: ParameterValue] = [:], adapt: Bool? = nil,
                     statistics: Bool = false) throws -> SamplingJob {
        var settings = RunSettings(chains: chains, steps: steps, warmup: warmup, thin: 1, seed: seed, jobs: jobs)
        settings.samplerStatistics = statistics
        return try SamplingJob(target: target, sampler: try SamplerCatalog.named(sampler), stepSize: h, parameters: parameters,
                               settings: settings, adapt: adapt)
    }

    /// Column k of the sampler statistics of chain c.
    private func statistic(_ run: ChainRun, chain c: Int, column k: Int) -> [Double] {
        let stats = run.statistics ?? [], w = TransitionStatistics.columns.count, n = run.draws.capacity
        return (0..<n).map { stats[(c * n + $0) * w + k] }
    }

    func testLeapfrogIsReversibleAndVolumePreserving() throws {
        let target = try GaussianMixture(weights: [1], means: [[0.5, -1]], covariances: .full([[[1.0, 0.6], [0.6, 2.0]]]))
        let kernel = try XCTUnwrap(try SamplerCatalog.named("hmc").makeKernel(target: target, stepSize: 0.2) as? HMC<GaussianMixture>)
        try kernel.adapt(inverseMetric: .dense([0.8, 0.1, 0.1, 1.5]))
        let x0 = [0.3, 1.7], p0 = [-0.9, 0.4]
        let forward = kernel.integrate(x: x0, momentum: p0, steps: 25, epsilon: 0.2)
        let back = kernel.integrate(x: forward.x, momentum: forward.momentum.map { -$0 }, steps: 25, epsilon: 0.2)
        for j in 0..<2 {
            XCTAssertEqual(back.x[j], x0[j], accuracy: 1e-12)
            XCTAssertEqual(-back.momentum[j], p0[j], accuracy: 1e-12)
        }
        // The map (x, p) ↦ (x', p') is linear on a Gaussian: its Jacobian by differences has det 1.
        let z0 = x0 + p0, e = 1e-4
        var jacobian = [[Double]](repeating: [Double](repeating: 0, count: 4), count: 4)
        for k in 0..<4 {
            var up = z0, down = z0
            up[k] += e; down[k] -= e
            let a = kernel.integrate(x: Array(up[0..<2]), momentum: Array(up[2..<4]), steps: 25, epsilon: 0.2)
            let b = kernel.integrate(x: Array(down[0..<2]), momentum: Array(down[2..<4]), steps: 25, epsilon: 0.2)
            let column = zip(a.x + a.momentum, b.x + b.momentum).map { ($0 - $1) / (2 * e) }
            for i in 0..<4 { jacobian[i][k] = column[i] }
        }
        XCTAssertEqual(Self.determinant(jacobian), 1, accuracy: 1e-8)
        // Energy is nearly conserved for a small step.
        XCTAssertEqual(forward.endEnergy, forward.startEnergy, accuracy: 0.05)
    }

    private static func determinant(_ m: [[Double]]) -> Double {
        var a = m, det = 1.0
        let n = a.count
        for c in 0..<n {
            let pivot = (c..<n).max { abs(a[$0][c]) < abs(a[$1][c]) }!
            if pivot != c { a.swapAt(pivot, c); det = -det }
            det *= a[c][c]
            for r in (c + 1)..<n {
                let f = a[r][c] / a[c][c]
                for k in c..<n { a[r][k] -= f * a[c][k] }
            }
        }
        return det
    }

    /// On N(0, I_d) each coordinate's leapfrog is a 2 × 2 linear map; from stationarity, the
    /// expected acceptance E[min(1, e^{−ΔH})] is computed here by Monte Carlo over that map alone
    /// and compared with HMC's mean acceptance statistic.
    func testHMCAcceptanceMatchesItsExpectationOnAGaussian() throws {
        let d = 20, h = 0.7, steps = 8
        let target = NamedTarget(name: "std", density: try GaussianMixture(weights: [1], means: [[Double](repeating: 0, count: d)],
                                                                           covariances: .isotropic([1])))
        let run = try job("hmc", target, h: h, steps: 20_000, warmup: 0, parameters: ["steps": .integer(steps), "jitter": .real(0)], adapt: false,
                          statistics: true).run()
        let accept = (0..<4).map { statistic(run, chain: $0, column: 0) }
        let (measured, se) = TestSupport.batchMeans(accept)
        // One coordinate's leapfrog: p ← p − (h/2)x, x ← x + hp, p ← p − (h/2)x, composed `steps` times.
        var a = [[1.0, 0.0], [0.0, 1.0]]
        let step = [[1 - h * h / 2, h], [-h + h * h * h / 4, 1 - h * h / 2]]
        for _ in 0..<steps { a = [[step[0][0] * a[0][0] + step[0][1] * a[1][0], step[0][0] * a[0][1] + step[0][1] * a[1][1]],
                                  [step[1][0] * a[0][0] + step[1][1] * a[1][0], step[1][0] * a[0][1] + step[1][1] * a[1][1]]] }
        let rng = RandomStream(seed: 99)
        var sum = 0.0, sumSq = 0.0
        let n = 400_000
        for _ in 0..<n {
            var dH = 0.0
            for _ in 0..<d {
                let x = rng.normal(), p = rng.normal()
                let x1 = a[0][0] * x + a[0][1] * p, p1 = a[1][0] * x + a[1][1] * p
                dH += 0.5 * (x1 * x1 + p1 * p1 - x * x - p * p)
            }
            let alpha = min(1, exp(-dH))
            sum += alpha; sumSq += alpha * alpha
        }
        let expected = sum / Double(n)
        let expectedSE = ((sumSq / Double(n) - expected * expected) / Double(n)).squareRoot()
        XCTAssertLessThan(expected, 0.95, "the step should be large enough for rejections to matter")
        XCTAssertLessThan(abs(measured - expected), 5 * (se * se + expectedSE * expectedSE).squareRoot(),
                          "HMC acceptance \(measured) ± \(se) vs exact expectation \(expected) ± \(expectedSE)")
    }

    func testNUTSAndHMCRecoverACorrelatedGaussian() throws {
        let target = try correlatedGaussian()
        for sampler in ["nuts", "hmc"] {
            for metric in ["diag", "dense"] {
                let run = try job(sampler, target, steps: 20_000, parameters: ["metric": .text(metric)]).run()
                try TestSupport.assertMomentsRecovered(run, target)
                XCTAssertEqual(run.outcomes.map(\.divergentTransitions).reduce(0, +), 0, "\(sampler) \(metric)")
            }
        }
    }

    func testNUTSAndHMCRecoverLauGMM() throws {
        let target = try TestSupport.target("lau-gmm")
        let nuts = try job("nuts", target, steps: 40_000, chains: 8).run()
        try TestSupport.assertMomentsRecovered(nuts, target)
        let hmc = try job("hmc", target, steps: 40_000, chains: 8, parameters: ["length": .real(4), "jitter": .real(0.5)]).run()
        try TestSupport.assertMomentsRecovered(hmc, target)
    }

    /// Oracle counts are exact: every leapfrog step is one gradient, and n_leapfrog__ adds up.
    func testOracleCountsAreTheLeapfrogSteps() throws {
        let target = try correlatedGaussian()
        let run = try job("nuts", target, steps: 500, warmup: 0, chains: 2, adapt: false, statistics: true).run()
        for c in 0..<2 {
            let leapfrogs = statistic(run, chain: c, column: 3).reduce(0, +)
            XCTAssertEqual(Double(run.outcomes[c].counts.gradientEvaluations), leapfrogs + 1)   // + the start
            XCTAssertTrue(statistic(run, chain: c, column: 2).allSatisfy { $0 >= 1 && $0 <= 10 })
        }
    }

    /// Dual averaging drives the mean acceptance statistic of the adaptation iterations to δ
    /// (its defining property), measured over the last slow window. After warm-up the averaged
    /// step size is a little smaller, as in Stan: the sampling accept_stat__ is compared with what
    /// Stan's own warm-up gives on the same target (rstan 2.21.7, 4 chains, 2000 warm-up, seed 7:
    /// 0.898 at δ = 0.8 and 0.917 at δ = 0.9, chains 0.876–0.927).
    func testWarmupReachesDeltaAsStanDoes() throws {
        let variances = [0.01, 0.1, 1, 10, 100]
        let density = try GaussianMixture(weights: [1], means: [[0, 0, 0, 0, 0]], covariances: .diagonal([variances]))
        let target = NamedTarget(name: "scaled", density: density)
        for (delta, stan) in [(0.8, 0.898), (0.9, 0.917)] {
            var windowMeans: [Double] = []
            for chain in 0..<4 {
                let kernel = try XCTUnwrap(try SamplerCatalog.named("nuts").makeKernel(target: density, stepSize: 1) as? any MetricAdaptable)
                let rng = RandomStream(seed: 40, stream: UInt64(chain))
                try kernel.reset(to: (0..<5).map { _ in rng.normal() })
                var warmup = WarmupAdaptation(kernel: kernel, warmup: 2000, target: delta, metric: .diag, rng: rng)
                var last: [Double] = []
                for i in 0..<2000 {
                    _ = kernel.step(rng: rng)
                    if i >= 850 && i < 1950 { last.append(kernel.lastTransition.acceptStatistic) }
                    warmup.afterTransition()
                }
                windowMeans.append(last.reduce(0, +) / Double(last.count))
            }
            let adapting = windowMeans.reduce(0, +) / 4
            XCTAssertLessThan(abs(adapting - delta), 0.05, "delta \(delta): accept_stat__ while adapting \(adapting)")
            let run = try job("nuts", target, h: 1, steps: 4000, warmup: 2000,
                              parameters: ["delta": .real(delta), "metric": .text("diag"), "adaptation": .text("stan")],
                              statistics: true).run()
            let accept = (0..<4).flatMap { statistic(run, chain: $0, column: 0) }
            let sampling = accept.reduce(0, +) / Double(accept.count)
            XCTAssertLessThan(abs(sampling - stan), 0.05, "delta \(delta): accept_stat__ \(sampling), Stan \(stan)")
        }
    }

    /// The diagonal metric from a long last slow window is within 10% of the true variances.
    func testWarmupLearnsTheVariances() throws {
        let variances = [0.01, 0.1, 1, 10, 100]
        let target = NamedTarget(name: "scaled", density: try GaussianMixture(weights: [1], means: [[0, 0, 0, 0, 0]],
                                                                              covariances: .diagonal([variances])))
        let run = try job("nuts", target, h: 1, steps: 100, warmup: 6000, parameters: ["metric": .text("diag"), "adaptation": .text("stan")]).run()
        for o in run.outcomes {
            guard case .diagonal(let v) = try XCTUnwrap(o.inverseMetric) else { return XCTFail("expected a diagonal metric") }
            for j in 0..<5 { XCTAssertEqual(v[j] / variances[j], 1, accuracy: 0.1, "variance \(j + 1): \(v[j]) vs \(variances[j])") }
        }
    }

    func testStanWindowSchedule() {
        // 1000 warm-up iterations: 75 + 25, 50, 100, 200, 500 (stretched) + 50.
        XCTAssertEqual(WindowedAdaptation(warmup: 1000).windowEnds, [99, 149, 249, 449, 949])
        // Short warm-ups scale the buffers to 15% / 75% / 10%.
        let short = WindowedAdaptation(warmup: 100)
        XCTAssertEqual([short.initBuffer, short.baseWindow, short.termBuffer], [15, 75, 10])
        XCTAssertEqual(short.windowEnds, [89])
        XCTAssertFalse(WindowedAdaptation(warmup: 19).adaptsMetric)
    }

    /// `--adapt on` for MALA: dual averaging towards 0.574 (measured over the second half of the
    /// warm-up), and the adapted step size is kept for sampling.
    func testMALAAdaptsItsStepSizeWhenAsked() throws {
        let target = try TestSupport.target("lau-gmm")
        var means: [Double] = []
        for chain in 0..<4 {
            let kernel = try XCTUnwrap(try SamplerCatalog.named("mala").makeKernel(target: target.density, stepSize: 2) as? any StepSizeAdaptable)
            let rng = RandomStream(seed: 41, stream: UInt64(chain))
            try kernel.reset(to: [rng.normal(), rng.normal()])
            var warmup = WarmupAdaptation(kernel: kernel, warmup: 4000, target: 0.574, metric: .unit, rng: rng)
            var accepted = 0.0
            for i in 0..<4000 {
                _ = kernel.step(rng: rng)
                if i >= 2000 { accepted += kernel.lastTransition.acceptStatistic }
                warmup.afterTransition()
            }
            means.append(accepted / 2000)
            XCTAssertEqual(warmup.finish(), kernel.stepSize)
        }
        let mean = means.reduce(0, +) / 4
        XCTAssertLessThan(abs(mean - 0.574), 0.05, "MALA acceptance while adapting \(mean)")
        let run = try job("mala", target, h: 2.0, steps: 2000, warmup: 2000, adapt: true).run()
        XCTAssertTrue(run.outcomes.allSatisfy { ($0.adaptedStepSize ?? 2) < 2 })
        // Off by default: the step size given is the one used.
        XCTAssertNil(try job("mala", target, h: 0.3, steps: 100).run().outcomes[0].adaptedStepSize)
        XCTAssertThrowsError(try job("ula", target, h: 0.1, steps: 100, adapt: true))
    }

    func testSameSeedSameDrawsForAnyJobs() throws {
        let target = try TestSupport.target("lau-gmm")
        for (sampler, parameters) in [("nuts", ["metric": ParameterValue.text("dense")]), ("hmc", ["jitter": .real(0.3)])] {
            let one = try job(sampler, target, steps: 300, warmup: 200, seed: 3, jobs: 1, parameters: parameters, statistics: true).run()
            let two = try job(sampler, target, steps: 300, warmup: 200, seed: 3, jobs: 3, parameters: parameters, statistics: true).run()
            XCTAssertEqual(DrawsCSV.render(one.draws), DrawsCSV.render(two.draws), sampler)
            XCTAssertEqual(one.statistics, two.statistics, sampler)
        }
    }
}
