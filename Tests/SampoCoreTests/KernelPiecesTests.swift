import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// Noise that counts what a kernel draws.
private final class CountingNoise: NoiseSource {
    var normals = 0, uniforms = 0
    let normalValue: Double, uniformValue: Double
    init(normal: Double = 0, uniform: Double = 0.5) { normalValue = normal; uniformValue = uniform }
    func normal() -> Double { normals += 1; return normalValue }
    func uniform() -> Double { uniforms += 1; return uniformValue }
    func uniformPositive() -> Double { uniform() }
}

final class KernelPiecesTests: XCTestCase {
    /// The rule: a uniform is drawn exactly when 0 < α < 1.
    func testMetropolisHastingsDrawsAUniformOnlyWhenTheOutcomeIsUncertain() {
        func draws(_ logAlpha: Double, u: Double = 0.5) -> (Bool, Int) {
            let noise = CountingNoise(uniform: u)
            let accepted = MetropolisHastings.accept(logAlpha: logAlpha, noise: noise)
            return (accepted, noise.uniforms)
        }
        XCTAssertTrue(draws(0.0) == (true, 0))
        XCTAssertTrue(draws(3.0) == (true, 0))
        XCTAssertTrue(draws(-.infinity) == (false, 0))
        XCTAssertTrue(draws(.nan) == (false, 0))
        XCTAssertTrue(draws(log(0.6), u: 0.5) == (true, 1))
        XCTAssertTrue(draws(log(0.4), u: 0.5) == (false, 1))
        var counted = MetropolisHastings()
        _ = counted.accept(logAlpha: .nan, noise: CountingNoise())
        _ = counted.accept(logAlpha: -1, noise: CountingNoise())
        XCTAssertEqual(counted.nanProposals, 1)
    }

    /// Every Metropolis kernel goes through the shared step: a proposal into a NaN region is
    /// rejected without drawing a uniform and counted.
    func testEveryMetropolisKernelUsesTheSharedStep() throws {
        let wall = ClosureTarget(dimension: 1, logDensity: { x in x[0] > 1 ? .nan : -0.5 * x[0] * x[0] },
                                 gradient: { x in [-x[0]] })
        // Hamiltonian kernels accept on the energy error; they are tested in HamiltonianTests.
        let metropolis = SamplerCatalog.all.filter { !$0.isPopulation && $0.metropolisAdjusted && $0.family != .hamiltonian }.map(\.name)
        XCTAssertEqual(Set(metropolis), ["mala", "rwm", "mymala", "pmala"])
        for name in metropolis {
            let kernel = try SamplerCatalog.named(name).makeKernel(target: wall, stepSize: 0.5)
            try kernel.reset(to: [0.9])
            let noise = ScriptedNoise(normals: [5])
            XCTAssertFalse(kernel.step(noise: noise), name)
            XCTAssertEqual(noise.uniformsDrawn, 0, name)
            XCTAssertEqual(kernel.nanProposals, 1, name)
            XCTAssertEqual(kernel.currentPosition, [0.9], name)
        }
    }

    /// The one leapfrog (HMC's and NUTS's, through `HamiltonianKernel.integrate`) conserves the
    /// Hamiltonian to O(h²) on a Gaussian, with a unit and a dense metric, and is reversible.
    func testLeapfrogEnergyErrorAndReversibility() throws {
        let target = try GaussianMixture(weights: [1], means: [[0, 0]], covariances: .isotropic([1]))
        for metric in [InverseMetric.unit, .dense([1.5, 0.3, 0.3, 0.8])] {
            let hmc = try HMC(target: target, stepSize: 0.1, inverseMetric: metric)
            func energyError(_ h: Double) -> Double {
                let r = hmc.integrate(x: [1.0, -0.5], momentum: [0.3, 0.8], steps: Int((1 / h).rounded()), epsilon: h)
                return abs(r.endEnergy - r.startEnergy)
            }
            let coarse = energyError(0.1), fine = energyError(0.05)
            XCTAssertEqual(coarse / fine, 4, accuracy: 0.5, metric.kind.rawValue)   // second order
            let before = hmc.counts.gradientEvaluations
            let there = hmc.integrate(x: [1.0, -0.5], momentum: [0.3, 0.8], steps: 10, epsilon: 0.1)
            XCTAssertEqual(hmc.counts.gradientEvaluations - before, 10)
            let back = hmc.integrate(x: there.x, momentum: there.momentum.map { -$0 }, steps: 10, epsilon: 0.1)
            XCTAssertEqual(back.x[0], 1.0, accuracy: 1e-12); XCTAssertEqual(back.x[1], -0.5, accuracy: 1e-12)
        }
    }

    /// Dual averaging drives a simulated acceptance rate to its target.
    func testDualAveragingReachesItsTarget() {
        // Acceptance falls with the step size: a(h) = exp(−h); target 0.65 ⇒ h* = −log 0.65.
        var adaptation = DualAveraging(initialStepSize: 1, target: 0.65)
        for _ in 0..<4000 { adaptation.update(acceptance: exp(-adaptation.stepSize)) }
        XCTAssertEqual(adaptation.finalStepSize, -log(0.65), accuracy: 0.01)
        adaptation.restart(at: 0.1)
        XCTAssertEqual(adaptation.stepSize, 0.1, accuracy: 1e-15)
        XCTAssertEqual(adaptation.iteration, 0)
    }
}
