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
    public enum Estimator: String, Sendable, CaseIterable { case importance = "is", ula, isULA = "is-ula" }
    /// How the initial particles are drawn.
    public enum Start: String, Sendable, CaseIterable { case gaussian, nested }

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
    /// The importance proposal of the `is` and `is-ula` estimators.
    public let proposal: ProposalKind
    /// The importance proposal: `plain` is φ = N(x/a, (σ²/a²)I) as in the paper; `adaptive` is φ
    /// times a Gaussian fitted to the target from the previous outer step (see ScoreProposal).
    public enum ProposalKind: String, Sendable, CaseIterable { case adaptive, plain }

    public init(particles: Int, horizon: Double, steps: Int, estimator: Estimator, innerSamples: Int, innerSteps: Int,
                innerStepSize: Double, earlyStop: Double, start: Start, denoise: Bool, proposal: ProposalKind = .adaptive) {
        self.particles = particles; self.horizon = horizon; self.steps = steps; self.estimator = estimator
        self.innerSamples = innerSamples; self.innerSteps = innerSteps; self.innerStepSize = innerStepSize
        self.earlyStop = earlyStop; self.start = start; self.denoise = denoise; self.proposal = proposal
    }

    /// From typed settings (the registry's defaults for every parameter not set).
    public init(settings s: RDMCSettings = .defaults) {
        self.init(particles: s.particles, horizon: s.horizon, steps: s.steps, estimator: s.estimator, innerSamples: s.innerSamples,
                  innerSteps: s.innerSteps, innerStepSize: s.innerStepSize, earlyStop: s.earlyStop, start: s.start,
                  denoise: s.denoise, proposal: s.proposal)
    }

    /// From checked registry parameters; a parameter not given takes the registry's default.
    public init(parameters: SamplerParameters) { self.init(settings: RDMCSettings(parameters)) }

    /// Each worker's score estimate holds its inner samples' points twice (`ScoreScratch`).
    public func scratch(dimension d: Int) -> (factors: [Int], parameter: String)? { ([innerSamples, 2 * d + 2], "inner_samples") }

    /// Oracle calls of one score estimate: one per inner sample.
    static func costOfScore(innerSamples: Int) -> Int { innerSamples }

    public func describe(_ run: PopulationRun) -> String {
        "horizon \(run.schedule.first ?? 0) → \(run.schedule.last ?? 0), \(run.schedule.count - 1) steps"
    }

    public var acceptanceDescription: String { "move acceptance" }

    /// The population size that spends about `budget` oracle calls: a particle costs steps + 2
    /// score estimates (start, denoising); the adaptive proposal's pilot sweeps are reserved
    /// (the run counts them itself, so `pilotCalls` is 0).
    public func particles(forBudget budget: Int, target: NamedTarget, seed: UInt64) -> (particles: Int, pilotCalls: Int) {
        let perMove = Self.costOfScore(innerSamples: innerSamples)
        let perParticle = (steps + 2) * perMove
        var reserved = 0
        if proposal != .plain && estimator != .ula {
            let pilots = Self.pilotParticles(particles: max(1, budget / perParticle), dimension: target.dimension)
            reserved = Self.maxPilotSweeps * pilots * perMove
        }
        return (max(50, (budget - reserved) / perParticle), 0)
    }

    public func run(target: NamedTarget, noise: RandomStream, checkpoints: (any StageCheckpoints)?) throws(SampoError) -> PopulationRun {
        let d = target.dimension
        var counts = OracleCounts()
        var x = [Double](repeating: 0, count: particles * d)
        var schedule: [Double] = []
        let scratch = ScoreScratch(d: d, samples: innerSamples)
        let proposal = ScoreProposal(d: d, particles: particles,
                                     kind: self.proposal == .adaptive ? .adaptive : .plain)
        var quality: [ScoreQuality] = []
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
                        _ = score(p, s: t0, target: target, noise: noise, scratch: scratch, proposal: proposal, into: &v, counts: &counts)
                        for j in 0..<d { p[j] += h * v[j] + (2 * h).squareRoot() * noise.normal() }
                    }
                }
                proposal.refit()
            }
        }
        // Fit the adaptive proposal before the first step (its first sweeps would otherwise run on
        // φ alone, whose weights collapse in a few dimensions).
        if estimator != .ula && proposal.kind == .adaptive {
            fitProposal(proposal, x: x, s: t0, target: target, noise: noise, scratch: scratch, counts: &counts)
        }
        /// What the outer loop carries from step to step (the proposal's fit and the stream too).
        var next = 0
        func write(_ w: inout CheckpointWriter) {
            w.section("rdmc")
            w.write(next); w.write(x); w.write(schedule); w.write(t0)
            w.write(quality.map(\.time)); w.write(quality.map(\.minimum)); w.write(quality.map(\.median)); w.write(quality.map(\.samples))
            counts.write(to: &w)
            proposal.write(to: &w)
            noise.writeState(to: &w)
        }
        if let state = checkpoints?.resumeState {
            var r = CheckpointReader(state)
            try r.section("rdmc")
            next = try r.readInt()
            x = try r.readDoubles(count: particles * d, "particles"); schedule = try r.readDoubles(); t0 = try r.readDouble()
            let times = try r.readDoubles(), minima = try r.readDoubles(), medians = try r.readDoubles(), samples = try r.readInts()
            guard next >= 0, next <= steps, [minima.count, medians.count, samples.count].allSatisfy({ $0 == times.count }) else {
                throw .runtime("checkpoint: rdMC's step \(next) of \(steps) or its score quality records do not fit")
            }
            quality = times.indices.map { ScoreQuality(time: times[$0], minimum: minima[$0], median: medians[$0], samples: samples[$0]) }
            counts = try OracleCounts.read(from: &r)
            try proposal.read(from: &r)
            try noise.readState(from: &r)
            guard r.isAtEnd else { throw .runtime("checkpoint: bytes left after rdMC's state") }
        }
        // Reverse-time outer loop from s = t0 down to δ on a uniform grid.
        let span = t0 - earlyStop
        while next < steps {
            checkpoints?.stage(next, final: false, write: write)
            let k = next
            next += 1
            let s = t0 - Double(k) * span / Double(steps), h = span / Double(steps)
            schedule.append(s)
            let eh = exp(h), noiseSD = expm1(2 * h).squareRoot()
            var ess: [Double] = []
            for i in 0..<particles {
                x.withUnsafeMutableBufferPointer { xb in
                    let p = xb.baseAddress! + i * d
                    if let e = score(p, s: s, target: target, noise: noise, scratch: scratch, proposal: proposal, into: &v, counts: &counts) { ess.append(e) }
                    for j in 0..<d { p[j] = eh * p[j] + 2 * (eh - 1) * v[j] + noiseSD * noise.normal() }
                }
            }
            proposal.refit()
            if let q = ScoreQuality(time: s, ess: ess, samples: innerSamples) { quality.append(q) }
        }
        checkpoints?.stage(steps, final: true, write: write)
        schedule.append(earlyStop)
        if denoise {
            let a = exp(-earlyStop), s2 = -expm1(-2 * earlyStop)
            var ess: [Double] = []
            for i in 0..<particles {
                x.withUnsafeMutableBufferPointer { xb in
                    let p = xb.baseAddress! + i * d
                    if let e = score(p, s: earlyStop, target: target, noise: noise, scratch: scratch, proposal: proposal, into: &v, counts: &counts) { ess.append(e) }
                    for j in 0..<d { p[j] = (p[j] + s2 * v[j]) / a }
                }
            }
            if let q = ScoreQuality(time: earlyStop, ess: ess, samples: innerSamples) { quality.append(q) }
        }
        let finite = x.allSatisfy(\.isFinite)
        return PopulationRun(particles: x, count: particles, logZ: nil, schedule: schedule, acceptancePerStage: [],
                             counts: counts, failure: finite ? nil : "particles became non-finite (score estimate failed)",
                             scoreQuality: quality,
                             warnings: ScoreQuality.warning(quality, adaptive: proposal.kind == .adaptive).map { [$0] } ?? [])
    }

    /// Particles in each pilot sweep of the adaptive proposal: a quarter of the population up to 256,
    /// but at least 4(d + 2) for the fit. Five sweeps at most, so they cost at most about 5/4 of one
    /// outer step.
    public static func pilotParticles(particles: Int, dimension d: Int) -> Int {
        min(particles, max(4 * (d + 2), min(256, particles / 4)))
    }

    /// Most pilot sweeps made before the first step.
    public static let maxPilotSweeps = 5

    /// Pilot sweeps at time s over `pilotParticles` particles, each refitting the adaptive proposal,
    /// until the median ESS reaches half the inner samples or five sweeps were made (their calls count).
    func fitProposal(_ proposal: ScoreProposal, x: [Double], s: Double, target: NamedTarget, noise: RandomStream,
                     scratch: ScoreScratch, counts: inout OracleCounts) {
        let d = target.dimension, pilots = Self.pilotParticles(particles: particles, dimension: d)
        var v = [Double](repeating: 0, count: d)
        for _ in 0..<Self.maxPilotSweeps {
            var ess: [Double] = []
            x.withUnsafeBufferPointer { xb in
                for i in 0..<pilots {
                    if let e = score(xb.baseAddress! + i * d, s: s, target: target, noise: noise, scratch: scratch,
                                     proposal: proposal, into: &v, counts: &counts) { ess.append(e) }
                }
            }
            proposal.refit()
            if let q = ScoreQuality(time: s, ess: ess, samples: innerSamples), q.median >= 0.5 * Double(innerSamples) { break }
        }
    }

    /// The score estimate v = (a·m − x)/σ² at (x, s), m the estimated posterior mean of x₀. Returns
    /// the importance-sampling ESS (Σw)²/Σw² of the estimate (nil for the `ula` estimator, which
    /// has no weights; 0 when every weight vanished).
    func score(_ x: UnsafePointer<Double>, s: Double, target: NamedTarget, noise: RandomStream, scratch: ScoreScratch,
               proposal: ScoreProposal, into v: inout [Double], counts: inout OracleCounts) -> Double? {
        let d = scratch.d, density = target.density
        let a = exp(-s), s2 = -expm1(-2 * s), sd = s2.squareRoot() / a
        let mean = scratch.mean
        for j in 0..<d { mean[j] = 0 }
        let z = scratch.z, logw = scratch.logw, w = scratch.w
        var ess: Double? = nil
        var weighted = false
        if estimator != .ula {
            // Importance sampling for q_s(·|x) ∝ π̃·φ: weights π̃·φ/r, r the proposal.
            proposal.draw(count: innerSamples, x: x, a: a, s2: s2, noise: noise, z: z, logRatio: logw, u: scratch.u, c: scratch.c)
            var top = -Double.infinity
            for i in 0..<innerSamples {
                let l = density.logDensity(at: z + i * d) + logw[i]
                logw[i] = l.isNaN ? -.infinity : l
                top = max(top, logw[i])
            }
            counts.densityEvaluations += innerSamples
            if top.isFinite {
                var total = 0.0, squares = 0.0
                for i in 0..<innerSamples { w[i] = exp(logw[i] - top); total += w[i]; squares += w[i] * w[i] }
                for i in 0..<innerSamples { w[i] /= total }
                ess = total * total / squares
                weighted = true
                // One draw resampled by the weights feeds the next proposal fit.
                var u = noise.uniform(), pick = innerSamples - 1
                for i in 0..<innerSamples { u -= w[i]; if u < 0 { pick = i; break } }
                proposal.pool(z + pick * d)
            } else {
                ess = 0
            }
        }
        switch estimator {
        case .importance:
            if weighted {
                for i in 0..<innerSamples {
                    let wi = w[i]
                    for j in 0..<d { mean[j] += wi * z[i * d + j] }
                }
            } else {
                for j in 0..<d { mean[j] = x[j] / a }
            }
        case .ula, .isULA:
            let chains = innerSamples
            let y = scratch.y
            if estimator == .isULA {
                let weights = (0..<chains).map { weighted ? w[$0] : 1 / Double(chains) }
                let parents = Resampling.systematic.ancestors(weights: weights, count: chains, noise: noise)
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
        return ess
    }
}

/// Buffers reused by every score estimate of one run.
final class ScoreScratch {
    let d: Int
    let z, y, logw, w, g, mean, u, c: UnsafeMutablePointer<Double>
    init(d: Int, samples: Int) {
        self.d = d
        z = .allocate(capacity: samples * d); y = .allocate(capacity: samples * d)
        logw = .allocate(capacity: samples); w = .allocate(capacity: samples)
        g = .allocate(capacity: d); mean = .allocate(capacity: d); u = .allocate(capacity: d); c = .allocate(capacity: d)
        z.initialize(repeating: 0, count: samples * d); y.initialize(repeating: 0, count: samples * d)
        logw.initialize(repeating: 0, count: samples); w.initialize(repeating: 0, count: samples)
        for p in [g, mean, u, c] { p.initialize(repeating: 0, count: d) }
    }
    deinit { for p in [z, y, logw, w, g, mean, u, c] { p.deallocate() } }
}
