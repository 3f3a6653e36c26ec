import Foundation
import XCTest
import Sampo

/// Does every sampler sample what it claims to, to 0.3%? On anisotropic Gaussians N(0, Σ) — condition
/// number 100, diagonal and rotated, d = 10 and 50 — the statistic m = xᵀΣ⁻¹x has E[m]/d = 1 for
/// the exact samplers (and tr(Σ⁻¹S)/d for an unadjusted kernel whose exact stationary covariance is
/// S). Each case runs 24 independent chains and takes the standard error from their batch means, and
/// each first asserts its own power: an SE of at most 0.00075, so a 0.3% bias is 4 SE. A U-turn
/// bookkeeping error in NUTS (+0.8% to +1.7%), near-periodic static HMC or a wrong discrete law
/// would all fail here. The log-normaliser standard errors of SMC and parallel tempering are checked
/// against the spread of many independent runs.
final class ExactnessTests: XCTestCase {
    /// The bias a case must be able to see at 4 standard errors.
    static let detectableBias = 0.003
    static let chains = 24
    static let batchesPerChain = 25

    /// N(0, Σ) with Σ = Q diag(λ) Qᵀ, λ log-spaced over [0.1, 10] (condition 100), Q a random
    /// rotation (or I), with its precision Q diag(1/λ) Qᵀ.
    struct Anisotropic {
        let name: String
        let dimension: Int
        let rotated: Bool
        let covariance: [Double]
        let precision: [Double]
        let target: GaussianMixture

        init(dimension d: Int, rotated: Bool, seed: UInt64 = 7) throws {
            name = (rotated ? "rotated" : "diagonal") + "-\(d)"
            dimension = d
            self.rotated = rotated
            let lambda = (0..<d).map { pow(10, -1 + 2 * Double($0) / Double(d - 1)) }
            var q = [Double](repeating: 0, count: d * d)
            if rotated {
                // Gram–Schmidt on the columns of a Gaussian matrix.
                let rng = RandomStream(seed: seed)
                var a = (0..<(d * d)).map { _ in rng.normal() }
                for c in 0..<d {
                    for k in 0..<c {
                        var dot = 0.0
                        for r in 0..<d { dot += a[r * d + c] * a[r * d + k] }
                        for r in 0..<d { a[r * d + c] -= dot * a[r * d + k] }
                    }
                    var norm = 0.0
                    for r in 0..<d { norm += a[r * d + c] * a[r * d + c] }
                    for r in 0..<d { a[r * d + c] /= norm.squareRoot() }
                }
                q = a
            } else {
                for i in 0..<d { q[i * d + i] = 1 }
            }
            let sigma = Self.product(q, lambda, d)
            covariance = sigma
            precision = Self.product(q, lambda.map { 1 / $0 }, d)
            let rows = (0..<d).map { Array(sigma[($0 * d)..<(($0 + 1) * d)]) }
            target = try GaussianMixture(weights: [1], means: [[Double](repeating: 0, count: d)],
                                         covariances: rotated ? .full([rows]) : .diagonal([lambda]))
        }

        /// Q diag(values) Qᵀ, symmetrised.
        static func product(_ q: [Double], _ values: [Double], _ d: Int) -> [Double] {
            var m = [Double](repeating: 0, count: d * d)
            for r in 0..<d { for c in 0..<d { for k in 0..<d { m[r * d + c] += q[r * d + k] * values[k] * q[c * d + k] } } }
            for r in 0..<d { for c in 0..<r { let s = 0.5 * (m[r * d + c] + m[c * d + r]); m[r * d + c] = s; m[c * d + r] = s } }
            return m
        }

        /// xᵀΣ⁻¹x / d.
        func m(_ x: UnsafePointer<Double>) -> Double {
            var s = 0.0
            if !rotated {
                for r in 0..<dimension { s += x[r] * x[r] * precision[r * dimension + r] }
                return s / Double(dimension)
            }
            for r in 0..<dimension {
                var row = 0.0
                for c in 0..<dimension { row += precision[r * dimension + c] * x[c] }
                s += x[r] * row
            }
            return s / Double(dimension)
        }
    }

    /// The mean of m/d over 24 chains of `steps` kept transitions each, with its standard error from
    /// 25 batch means per chain (600 in all, so the error is itself known to about 3% and the power
    /// check is stable; each batch is thousands of autocorrelation times long). Chains start at N(0, I) and, when `warmup` > 0, adapt as `sample` does
    /// (Stan's warm-up for Hamiltonian kernels, dual averaging of the step size otherwise).
    func meanOfM(_ g: Anisotropic, sampler: String, parameters: [String: ParameterValue] = [:], stepSize: Double? = nil,
                 steps: Int, warmup: Int, adapt: Bool = true, metric given: InverseMetric? = nil,
                 seed: UInt64) throws -> (mean: Double, se: Double, seconds: Double) {
        let started = Date()
        let info = try SamplerCatalog.named(sampler)
        let h = stepSize ?? info.defaultStepSize ?? 0.1
        let factory = try info.kernelFactory(target: g.target, stepSize: h, parameters: try info.parameters(parameters))
        // The warm-up the registry gives these parameters (metric, schedule), as SamplingJob builds it.
        let checked = try info.parameters(parameters)
        let w = info.warmup(checked)
        let batches = Self.batchesPerChain, length = steps / batches
        let perChain = Parallel.map(count: Self.chains) { c -> [Double] in
            guard let kernel = try? factory() else { return [.nan] }
            let rng = RandomStream(seed: seed, stream: UInt64(c))
            let start = (0..<g.dimension).map { _ in rng.normal() }
            if let given { try? (kernel as? any MetricCarrying)?.adapt(inverseMetric: given) }
            _ = start.withUnsafeBufferPointer { kernel.reset(to: $0.baseAddress!) }
            if adapt, let adaptable = kernel as? any StepSizeAdaptable {
                var adaptation = WarmupAdaptation(kernel: adaptable, warmup: warmup, target: info.adaptationTarget(checked) ?? 0.8,
                                                  metric: w?.metric ?? .unit, rng: rng, schedule: w?.schedule ?? .stan,
                                                  lowRank: w?.lowRank ?? .init(), refitEvery: w?.refitEvery ?? 1)
                for _ in 0..<warmup { _ = kernel.step(rng: rng); adaptation.afterTransition() }
                adaptation.finish()
            } else {
                for _ in 0..<warmup { _ = kernel.step(rng: rng) }
            }
            return (0..<batches).map { _ in
                var sum = 0.0
                for _ in 0..<length {
                    _ = kernel.step(rng: rng)
                    sum += g.m(kernel.position)
                }
                return sum / Double(length)
            }
        }
        let all = perChain.flatMap { $0 }, n = Double(all.count)
        let mean = all.reduce(0, +) / n
        let variance = all.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return (mean, (variance / n).squareRoot(), Date().timeIntervalSince(started))
    }

    /// Asserts the case's power, then that E[m]/d is `exact` within 4 SE.
    func check(_ label: String, _ result: (mean: Double, se: Double, seconds: Double), exact: Double = 1, file: StaticString = #filePath,
               line: UInt = #line) {
        print(String(format: "exactness %@: E[m]/d = %.5f ± %.5f (exact %.5f, z = %+.2f) in %.1f s", label, result.mean, result.se, exact,
                     (result.mean - exact) / result.se, result.seconds))
        XCTAssertLessThanOrEqual(4 * result.se, Self.detectableBias * exact, "\(label): too few draws to see a 0.3% bias", file: file, line: line)
        XCTAssertLessThan(abs(result.mean - exact), 4 * result.se,
                          "\(label): E[m]/d = \(result.mean) ± \(result.se), exact \(exact)", file: file, line: line)
    }

    /// Each case its own seed (cases that share their random numbers make correlated errors).
    nonisolated(unsafe) static var nextSeed: UInt64 = 100
    static func seed() -> UInt64 { nextSeed += 1; return nextSeed }

    static let targets: [(Int, Bool)] = [(10, false), (10, true), (50, false), (50, true)]

    func testNUTSWithEveryMetric() throws {
        for (d, rotated) in Self.targets {
            let g = try Anisotropic(dimension: d, rotated: rotated)
            // The Fisher fits on the 50-d targets and the rotated 10-d one (where dense fits matter).
            // (metric/nutpie: on nuts-rs's schedule, refitted after every draw.)
            // (low rank and nuts-rs's schedule on the 50-d targets, where d > the early windows)
            let fisher = (d == 50 || rotated ? ["fisher-diag", "fisher-dense"] : [])
                + (d == 50 ? ["fisher-lowrank", "fisher-lowrank/nutpie", "fisher-diag/nutpie"] : [])
            for variant in ["diag", "dense", "unit"] + fisher {
                let parts = variant.split(separator: "/").map(String.init)
                var parameters: [String: ParameterValue] = ["metric": .text(parts[0])]
                if parts.count > 1 { parameters["adaptation"] = .text(parts[1]) }
                // ESS(m) is about 0.4 per draw at d = 10; the draws needed fall as 1/d.
                let steps = d == 10 ? 80_000 : rotated && parts[0] != "unit" ? 12_000 : 16_000
                check("nuts \(variant) \(g.name)", try meanOfM(g, sampler: "nuts", parameters: parameters,
                                                              steps: steps, warmup: 1000, seed: Self.seed()))
            }
        }
    }

    func testStaticHMC() throws {
        for (d, rotated) in Self.targets {
            let g = try Anisotropic(dimension: d, rotated: rotated)
            let steps = d == 10 ? 120_000 : 20_000
            check("hmc \(g.name)", try meanOfM(g, sampler: "hmc", steps: steps, warmup: 1000, seed: Self.seed()))
        }
    }

    /// Metropolis-adjusted Langevin and random-walk Metropolis, their step sizes adapted to 0.574
    /// and 0.234 in warm-up. They mix slowly at condition 100 (ESS(m) ≈ 0.03 and 0.012 per step at
    /// d = 10), so the d = 50 cases keep the diagonal target, whose gradient costs d, not d².
    func testMALAAndRWM() throws {
        for (d, rotated) in [(10, false), (10, true), (50, false)] {
            let g = try Anisotropic(dimension: d, rotated: rotated)
            check("mala \(g.name)", try meanOfM(g, sampler: "mala", steps: d == 10 ? 600_000 : 400_000, warmup: 3000, seed: Self.seed()))
            // Preconditioned: the metric fitted in warm-up (d = 10 rotated: low rank on nutpie's schedule).
            let metric: [String: ParameterValue] = rotated ? ["metric": .text("fisher-lowrank"), "adaptation": .text("nutpie")] : ["metric": .text("fisher-diag")]
            check("mala \(metric["metric"]!) \(g.name)", try meanOfM(g, sampler: "mala", parameters: metric, steps: d == 10 ? 600_000 : 400_000,
                                                                   warmup: 3000, seed: Self.seed()))
            check("rwm \(g.name)", try meanOfM(g, sampler: "rwm", steps: d == 10 ? 2_000_000 : 2_000_000, warmup: 3000, seed: Self.seed()))
        }
    }

    /// The unadjusted kernels (overdamped, kinetic, randomized-midpoint and MYULA, which on a target
    /// with no nonsmooth part is ULA) against their exact discrete stationary laws (biased by 0.1%
    /// (BAOAB: none, its position law is exact on Gaussians) to 50%), after 5 000 steps of burn-in.
    func testUnadjustedKernelsAgainstTheirExactLaws() throws {
        let g = try Anisotropic(dimension: 10, rotated: true)
        for kernel in StationaryLaw.Kernel.allCases {
            let h = kernel.isKinetic ? 0.15 : 0.05
            let law = try StationaryLaw.of(kernel, mean: [Double](repeating: 0, count: 10), covariance: g.covariance, stepSize: h, friction: 2)
            var exact = 0.0
            for r in 0..<10 { for c in 0..<10 { exact += g.precision[r * 10 + c] * law.covariance[c * 10 + r] } }
            exact /= 10
            let parameters: [String: ParameterValue] = kernel.isKinetic ? ["friction": .real(2)] : [:]
            check("\(kernel.rawValue) h = \(h) \(g.name)", try meanOfM(g, sampler: kernel.rawValue, parameters: parameters, stepSize: h,
                                                                  steps: kernel == .rlmc ? 1_500_000 : kernel == .rklmc ? 700_000 : 1_000_000, warmup: 5000,
                                                                  adapt: false, seed: Self.seed()), exact: exact)
        }
    }

    /// BAOAB with a mass matrix: in the coordinates where M⁻¹ = Σ is the identity it is BAOAB with a
    /// unit mass on N(0, I), whose position marginal is exact: E[m]/d = 1 at any stable h, here 1.2
    /// (a step at which the unit-mass BAOAB on this target, of condition 100, would be unstable).
    func testBAOABWithAMassMatrix() throws {
        let g = try Anisotropic(dimension: 10, rotated: true)
        check("baoab h = 1.2 mass Σ \(g.name)", try meanOfM(g, sampler: "baoab", parameters: ["friction": .real(1)], stepSize: 1.2,
                                                         steps: 600_000, warmup: 2000, adapt: false, metric: .dense(g.covariance), seed: Self.seed()))
    }

    /// log Ẑ's standard error against the truth over many runs: SMC with multinomial resampling (a
    /// single run's genealogy estimate) with random-walk and fitted-mixture moves on the audit's
    /// 1-D mixture 0.3·N(−4, 0.5²) + 0.7·N(4, 1.5²), and parallel tempering's per-chain batch-means
    /// error on lau-gmm. The root-mean-square error over the runs, divided by the root mean square
    /// of the reported errors, must lie in [0.8, 1.25] (its own sampling error at 60 runs is about 9%).
    func testLogNormalizerErrorsAreCalibrated() throws {
        let mixture = NamedTarget(name: "audit-1d", density: try GaussianMixture(weights: [0.3, 0.7], means: [[-4], [4]],
                                                                                 covariances: .isotropic([0.25, 2.25])))
        for kernel in ["rwm", "mixture"] {
            let job = try PopulationJob(target: mixture, samplerName: "smc",
                                        settings: ["resampling": .text("multinomial"), "kernel": .text(kernel), "particles": .integer(1000)],
                                        runs: 60, seed: 3, jobs: 2)
            let runs = try job.run().runs
            let z = runs.compactMap(\.logZ), se = runs.compactMap { $0.logZVariance?.squareRoot() }
            XCTAssertEqual(z.count, 60); XCTAssertEqual(se.count, 60)
            calibration("smc \(kernel) multinomial", errors: z, standardErrors: se)
        }
        let lau = try TargetFile.load(Self.root.appendingPathComponent("targets/lau-gmm.toml").path)
        let settings = RunSettings(chains: 60, steps: 6000, warmup: 1000, thin: 1, seed: 5, jobs: 2)
        let run = try SamplingJob(target: lau, sampler: try SamplerCatalog.named("pt"), stepSize: nil, settings: settings).run()
        let z = run.outcomes.compactMap { $0.report?.tempering?.logZ }, se = run.outcomes.compactMap { $0.report?.tempering?.logZStandardError }
        XCTAssertEqual(z.count, 60); XCTAssertEqual(se.count, 60)
        calibration("pt batch means", errors: z, standardErrors: se)
    }

    /// Errors are the estimates' distances from the truth (log Z = 0 for these normalised targets).
    func calibration(_ label: String, errors: [Double], standardErrors se: [Double], file: StaticString = #filePath, line: UInt = #line) {
        let rmsError = (errors.reduce(0) { $0 + $1 * $1 } / Double(errors.count)).squareRoot()
        let rmsSE = (se.reduce(0) { $0 + $1 * $1 } / Double(se.count)).squareRoot()
        let ratio = rmsError / rmsSE
        print(String(format: "exactness %@: rms error of log Ẑ %.4f, rms reported SE %.4f, ratio %.3f", label, rmsError, rmsSE, ratio))
        XCTAssertTrue((0.8...1.25).contains(ratio), "\(label): observed/reported error \(ratio)", file: file, line: line)
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
