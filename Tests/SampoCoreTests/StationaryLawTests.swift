import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// Exact stationary laws of the unadjusted kernels on Gaussians (issue: notebooks that resolve the
/// seed papers' bias claims): reference values, the closed form, and long runs of the kernels.
final class StationaryLawTests: XCTestCase {
    /// ALGORITHMS.md §3: the stiff direction (variance 0.01; γ = 20, h = 0.05; overdamped h = 0.005).
    func testReferenceRatiosOnTheStiffGaussian() throws {
        let expected: [(StationaryLaw.Kernel, Double, Double)] = [
            (.rklmc, 0.05, 1.0026), (.klmc, 0.05, 1.1398), (.obabo, 0.05, 1.0667), (.baoab, 0.05, 1.0000),
            (.kineticEuler, 0.05, 1.4815), (.rlmc, 0.005, 1.0345), (.ula, 0.005, 1.3333), (.myula, 0.005, 1.3333),
        ]
        for (kernel, h, ratio) in expected {
            let law = try StationaryLaw.of(kernel, mean: [0, 0], covariance: [1, 0, 0, 0.01], stepSize: h, friction: 20)
            XCTAssertEqual(law.varianceRatios[1], ratio, accuracy: 5e-5, kernel.rawValue)
            XCTAssertEqual(law.maxVarianceRatio, law.varianceRatios.max())
        }
        // ULA's scalar closed form σ²/(1 − h/(2σ²)).
        for (s2, h) in [(1.0, 0.3), (0.25, 0.1), (4.0, 1.5)] {
            XCTAssertEqual(try XCTUnwrap(StationaryLaw.variance(.ula, targetVariance: s2, stepSize: h)), s2 / (1 - h / (2 * s2)),
                           accuracy: 1e-14 * s2)
        }
        XCTAssertNil(StationaryLaw.variance(.ula, targetVariance: 1, stepSize: 2.5))   // unstable
    }

    /// A full covariance: the law is computed in Σ's eigenbasis; W₂ is zero for BAOAB (exact
    /// position marginal on Gaussians) and positive for ULA.
    func testFullCovarianceAndW2() throws {
        let sigma = [2.0, 0.8, 0.8, 1.0]
        let baoab = try StationaryLaw.of(.baoab, mean: [1, 2], covariance: sigma, stepSize: 0.2, friction: 1)
        XCTAssertEqual(baoab.w2, 0, accuracy: 1e-10)
        for i in 0..<4 { XCTAssertEqual(baoab.covariance[i], sigma[i], accuracy: 1e-10) }
        let ula = try StationaryLaw.of(.ula, mean: [1, 2], covariance: sigma, stepSize: 0.1)
        XCTAssertGreaterThan(ula.w2, 0.01)
        XCTAssertEqual(ula.covariance[1], ula.covariance[2], accuracy: 1e-14)
    }

    /// Long runs of every kernel at two step sizes on a 2-D Gaussian (variances 1 and 0.2): each
    /// coordinate's sample variance equals the exact stationary one within 5 batch-means MCSE.
    func testExactLawsMatchLongRuns() throws {
        let variances = [1.0, 0.2]
        let target = NamedTarget(name: "g2", density: try GaussianMixture(weights: [1], means: [[0, 0]], covariances: .diagonal([variances])))
        for kernel in StationaryLaw.Kernel.allCases {
            for h in (kernel.isKinetic ? [0.1, 0.3] : [0.02, 0.08]) {
                let parameters: [String: ParameterValue] = kernel.isKinetic ? ["friction": .real(2)] : [:]
                let job = try SamplingJob(target: target, sampler: try SamplerCatalog.named(kernel.rawValue), stepSize: h,
                                          parameters: parameters,
                                          settings: RunSettings(chains: 4, steps: 200_000, warmup: 2000, thin: 1, seed: 21, jobs: 2))
                let run = try job.run()
                for j in 0..<2 {
                    let exact = try XCTUnwrap(StationaryLaw.variance(kernel, targetVariance: variances[j], stepSize: h, friction: 2))
                    let squares = (0..<4).map { c in run.draws.series(chain: c, coordinate: j).map { $0 * $0 } }
                    let (v, se) = TestSupport.batchMeans(squares)
                    XCTAssertLessThan(abs(v - exact), 5 * se, "\(kernel.rawValue) h = \(h) x\(j + 1): \(v) vs exact \(exact) (mcse \(se))")
                }
            }
        }
    }

    /// The transient law after K steps from x₀ ~ N(0, I) (velocity 0) equals the moments of 4 000
    /// independent chains after K steps, for every kernel, within 5 standard errors; and the W₂ path
    /// starts at the start's distance and tends to the stationary bias.
    func testTransientLawMatchesIndependentChains() throws {
        let mean = [1.0, -1.0], sigma = [1.0, 0.3, 0.3, 0.2]
        let target = NamedTarget(name: "g2", density: try GaussianMixture(weights: [1], means: [mean], covariances: .full([[[1, 0.3], [0.3, 0.2]]])))
        let chains = 4000, k = 12
        for kernel in StationaryLaw.Kernel.allCases {
            let h = kernel.isKinetic ? 0.1 : 0.05
            let parameters: [String: ParameterValue] = kernel.isKinetic ? ["friction": .real(2)] : [:]
            let job = try SamplingJob(target: target, sampler: try SamplerCatalog.named(kernel.rawValue), stepSize: h, parameters: parameters,
                                      settings: RunSettings(chains: chains, steps: k, warmup: 0, thin: k, seed: 5, jobs: 2))
            let run = try job.run()
            let law = try TransientLaw.path(kernel, mean: mean, covariance: sigma, stepSize: h, friction: 2).law(after: k)
            for j in 0..<2 {
                let x = (0..<chains).map { run.draws.series(chain: $0, coordinate: j).last ?? .nan }
                let m = x.reduce(0, +) / Double(chains)
                let dev2 = x.map { ($0 - m) * ($0 - m) }
                let v = dev2.reduce(0, +) / Double(chains - 1)
                let vse = (dev2.reduce(0) { $0 + ($1 - v) * ($1 - v) } / Double(chains - 1) / Double(chains)).squareRoot()
                XCTAssertLessThan(abs(m - law.mean[j]), 5 * (v / Double(chains)).squareRoot(), "\(kernel.rawValue) mean x\(j + 1): \(m) vs \(law.mean[j])")
                XCTAssertLessThan(abs(v - law.covariance[j * 2 + j]), 5 * vse, "\(kernel.rawValue) variance x\(j + 1): \(v) vs \(law.covariance[j * 2 + j])")
            }
            let path = try TransientLaw.path(kernel, mean: mean, covariance: sigma, stepSize: h, friction: 2).distances(upTo: 3000)
            // N(0, I) against N(m, Σ), Σ's eigenvalues 1.1 and 0.1: ‖m‖² + Σ(1 − √λ)².
            let start = (2 + pow(1 - (1.1).squareRoot(), 2) + pow(1 - (0.1).squareRoot(), 2)).squareRoot()
            XCTAssertEqual(path[0], start, accuracy: 1e-12, kernel.rawValue)
            let stationary = try StationaryLaw.of(kernel, mean: mean, covariance: sigma, stepSize: h, friction: 2).w2
            XCTAssertEqual(path.last ?? .nan, stationary, accuracy: 1e-9, kernel.rawValue)
        }
    }
}
