import Foundation

/// Reverse diffusion Monte Carlo (Huang, Dong, Hao, Ma, Zhang, ICLR 2024). The forward OU process
/// X_s = e^{−s}X₀ + √(1 − e^{−2s})Z is run backwards from the horizon T to the early-stop time δ
/// with the exponential integrator x ← e^{h}x + 2(e^{h} − 1)v + √(e^{2h} − 1)ξ, where v estimates the
/// score ∇log p_s(x) = (a·E_q[x₀] − x)/σ² (a = e^{−s}, σ² = 1 − a²) as a posterior mean under
/// q_s(x₀|x) ∝ π̃(x₀)·N(x₀; x/a, (σ²/a²)I): by importance sampling from that Gaussian (`is`), by
/// inner ULA chains on q_s (`ula`), or by ULA started from an IS resample (`is-ula`).
/// Starts: `gaussian` — N(e^{−T}m, e^{−2T}C + (1 − e^{−2T})I) when the target's mean m and covariance
/// C are known, else N(0, I); `nested` — a short horizon T₀ = −ln 0.9, x ~ N(0, (1 − e^{−2T₀})I), then
/// a few ULA steps on p_{T₀} with the same score estimator. A final denoising step x ← (x + σ²v)/a at δ.
public struct ReverseDiffusion: PopulationSampler {
    /// How the score is estimated at each outer step.
    public enum Estimator: String, Sendable { case importance = "is", ula, isULA = "is-ula" }
    /// How the initial particles are drawn.
    public enum Start: String, Sendable { case gaussian, nested }

    public let name = "rdmc"
    public let particles: Int
    public let horizon: Double
    public let steps: Int
    public let estimator: Estimator
    public let innerSamples: Int
    public let innerSteps: Int
    public let innerStepSize: Double
    public let earlyStop: Double
    public let start: Start
    public let denoise: Bool

    public init(particles: Int, horizon: Double, steps: Int, estimator: Estimator, innerSamples: Int, innerSteps: Int,
                innerStepSize: Double, earlyStop: Double, start: Start, denoise: Bool) {
        self.particles = particles; self.horizon = horizon; self.steps = steps; self.estimator = estimator
        self.innerSamples = innerSamples; self.innerSteps = innerSteps; self.innerStepSize = innerStepSize
        self.earlyStop = earlyStop; self.start = start; self.denoise = denoise
    }

    /// From checked registry parameters (defaults filled in).
    public init(parameters p: SamplerParameters) {
        self.init(particles: p.integer("particles") ?? 2, horizon: p.real("horizon") ?? 2, steps: p.integer("steps") ?? 1,
                  estimator: Estimator(rawValue: p.choice("estimator") ?? "") ?? .importance,
                  innerSamples: p.integer("inner_samples") ?? 1, innerSteps: p.integer("inner_steps") ?? 1,
                  innerStepSize: p.real("inner_step_size") ?? 0.01, earlyStop: p.real("early_stop") ?? 0.05,
                  start: Start(rawValue: p.choice("init") ?? "") ?? .gaussian, denoise: p.flag("denoise") ?? true)
    }

    /// The registry's description: parameters, defaults, ranges and oracle calls per particle step.
    public static let registryEntry = SamplerInfo(
        name: "rdmc", summary: "Reverse diffusion Monte Carlo (IS, ULA or IS-ULA score estimates)",
        family: .population, defaultStepSize: nil, usesGradient: true, acceptanceTarget: nil,
        parameters: [
            .integer("particles", 1000, minimum: 2, "number of particles"),
            .positive("horizon", 2, "horizon T of the forward OU process"),
            .integer("steps", 25, minimum: 1, "outer steps from T to the early stop"),
            .choice("estimator", "is", ["is", "ula", "is-ula"], "score estimator"),
            .integer("inner_samples", 200, minimum: 1, "inner samples per score estimate"),
            .integer("inner_steps", 20, minimum: 1, "inner ULA steps (ula, is-ula)"),
            .positive("inner_step_size", 0.01, "inner ULA step size"),
            .positive("early_stop", 0.05, "early-stop time δ"),
            .choice("init", "gaussian", ["gaussian", "nested"], "initial particles"),
            .flag("denoise", true, "final denoising step at δ"),
        ],
        oracleCallsPerStep: { p in (p.integer("inner_samples") ?? 1) },
        crossCheck: { p throws(SampoError) in
            let t = p.real("horizon") ?? 2, delta = p.real("early_stop") ?? 0.05
            guard delta < t else { throw .invalid(.samplerParameter("early_stop"), "must be below the horizon \(t), found \(delta)") }
        },
        builder: .population { ReverseDiffusion(parameters: $0) })

    public func run(target: NamedTarget, noise: RandomStream) -> PopulationRun {
        let d = target.dimension
        var counts = OracleCounts()
        var x = [Double](repeating: 0, count: particles * d)
        var schedule: [Double] = []
        let scratch = ScoreScratch(d: d, samples: innerSamples)
        var v = [Double](repeating: 0, count: d)
        var t0 = horizon
        // Initial particles.
        switch start {
        case .gaussian:
            let a = exp(-horizon), a2 = a * a
            if let m = target.moments.mean, let c = target.moments.covariance,
               let l = try? Cholesky.factor((0..<(d * d)).map { a2 * c[$0] + ($0 % (d + 1) == 0 ? 1 - a2 : 0) }, dimension: d) {
                var z = [Double](repeating: 0, count: d)
                for i in 0..<particles {
                    for j in 0..<d { z[j] = noise.normal() }
                    for r in 0..<d {
                        var s = a * m[r]
                        for q in 0...r { s += l[r * d + q] * z[q] }
                        x[i * d + r] = s
                    }
                }
            } else {
                for i in 0..<(particles * d) { x[i] = noise.normal() }
            }
        case .nested:
            t0 = -log(0.9)
            let sd = (-expm1(-2 * t0)).squareRoot()
            for i in 0..<(particles * d) { x[i] = sd * noise.normal() }
            // A few ULA steps on p_{T₀} with the estimated score.
            let h = 0.1 * (1 - exp(-2 * t0))
            for _ in 0..<10 {
                for i in 0..<particles {
                    x.withUnsafeMutableBufferPointer { xb in
                        let p = xb.baseAddress! + i * d
                        score(p, s: t0, target: target, noise: noise, scratch: scratch, into: &v, counts: &counts)
                        for j in 0..<d { p[j] += h * v[j] + (2 * h).squareRoot() * noise.normal() }
                    }
                }
            }
        }
        // Reverse-time outer loop from s = t0 down to δ on a uniform grid.
        let span = t0 - earlyStop
        for k in 0..<steps {
            let s = t0 - Double(k) * span / Double(steps), h = span / Double(steps)
            schedule.append(s)
            let eh = exp(h), noiseSD = expm1(2 * h).squareRoot()
            for i in 0..<particles {
                x.withUnsafeMutableBufferPointer { xb in
                    let p = xb.baseAddress! + i * d
                    score(p, s: s, target: target, noise: noise, scratch: scratch, into: &v, counts: &counts)
                    for j in 0..<d { p[j] = eh * p[j] + 2 * (eh - 1) * v[j] + noiseSD * noise.normal() }
                }
            }
        }
        schedule.append(earlyStop)
        if denoise {
            let a = exp(-earlyStop), s2 = -expm1(-2 * earlyStop)
            for i in 0..<particles {
                x.withUnsafeMutableBufferPointer { xb in
                    let p = xb.baseAddress! + i * d
                    score(p, s: earlyStop, target: target, noise: noise, scratch: scratch, into: &v, counts: &counts)
                    for j in 0..<d { p[j] = (p[j] + s2 * v[j]) / a }
                }
            }
        }
        let finite = x.allSatisfy(\.isFinite)
        return PopulationRun(particles: x, count: particles, logZ: nil, schedule: schedule, acceptancePerStage: [],
                             counts: counts, failure: finite ? nil : "particles became non-finite (score estimate failed)")
    }

    /// The score estimate v = (a·m − x)/σ² at (x, s), m the estimated posterior mean of x₀.
    func score(_ x: UnsafePointer<Double>, s: Double, target: NamedTarget, noise: RandomStream, scratch: ScoreScratch,
               into v: inout [Double], counts: inout OracleCounts) {
        let d = scratch.d, density = target.density
        let a = exp(-s), s2 = -expm1(-2 * s), sd = s2.squareRoot() / a
        var mean = [Double](repeating: 0, count: d)
        let z = scratch.z, logw = scratch.logw
        if estimator != .ula {
            // Importance sampling from N(x/a, (σ²/a²)I) with weights π̃.
            for i in 0..<innerSamples {
                for j in 0..<d { z[i * d + j] = x[j] / a + sd * noise.normal() }
                logw[i] = density.logDensity(at: z + i * d)
                if logw[i].isNaN { logw[i] = -.infinity }
            }
            counts.densityEvaluations += innerSamples
        }
        switch estimator {
        case .importance:
            let lse = logSumExp(Array(UnsafeBufferPointer(start: logw, count: innerSamples)))
            if lse.isFinite {
                for i in 0..<innerSamples {
                    let w = exp(logw[i] - lse)
                    for j in 0..<d { mean[j] += w * z[i * d + j] }
                }
            } else {
                for j in 0..<d { mean[j] = x[j] / a }
            }
        case .ula, .isULA:
            let chains = innerSamples
            let y = scratch.y
            if estimator == .isULA {
                let lse = logSumExp(Array(UnsafeBufferPointer(start: logw, count: chains)))
                let w = (0..<chains).map { lse.isFinite ? exp(logw[$0] - lse) : 1 / Double(chains) }
                let parents = Resampling.systematic.ancestors(weights: w, count: chains, noise: noise)
                for (c, p) in parents.enumerated() { for j in 0..<d { y[c * d + j] = z[p * d + j] } }
            } else {
                for c in 0..<chains { for j in 0..<d { y[c * d + j] = x[j] / a + sd * noise.normal() } }
            }
            let tau = innerStepSize, root = (2 * tau).squareRoot()
            let g = scratch.g
            for _ in 0..<innerSteps {
                for c in 0..<chains {
                    let yc = y + c * d
                    _ = density.logDensityAndGradient(at: yc, gradient: g)
                    for j in 0..<d { yc[j] += tau * (g[j] + a * (x[j] - a * yc[j]) / s2) + root * noise.normal() }
                }
            }
            counts.gradientEvaluations += chains * innerSteps
            for c in 0..<chains { for j in 0..<d { mean[j] += y[c * d + j] / Double(chains) } }
        }
        for j in 0..<d { v[j] = (a * mean[j] - x[j]) / s2 }
    }
}

/// Buffers reused by every score estimate of one run.
final class ScoreScratch {
    let d: Int
    let z, y, logw, g: UnsafeMutablePointer<Double>
    init(d: Int, samples: Int) {
        self.d = d
        z = .allocate(capacity: samples * d); y = .allocate(capacity: samples * d)
        logw = .allocate(capacity: samples); g = .allocate(capacity: d)
        z.initialize(repeating: 0, count: samples * d); y.initialize(repeating: 0, count: samples * d)
        logw.initialize(repeating: 0, count: samples); g.initialize(repeating: 0, count: d)
    }
    deinit { z.deallocate(); y.deallocate(); logw.deallocate(); g.deallocate() }
}
