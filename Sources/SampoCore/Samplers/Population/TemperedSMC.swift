import Foundation

/// Adaptive tempered SMC from a Gaussian reference p₀ to the target along π_λ ∝ p₀ exp(λℓ),
/// ℓ = log π̃ − log p₀. Each stage picks δ by bisection so that the ESS of the incremental
/// weights exp(δℓ) on the current equally weighted particles is ρN (or jumps to λ = 1), adds
/// LSE(δℓ) − log N to log Ẑ, resamples, and moves every particle with MH kernels invariant for π_λ
/// (RWM with proposal (2.38/√d)·s·chol(particle covariance), or MALA), adapting s after every sweep.
/// Waste-free mode (Dau & Chopin 2022) resamples M = N/P ancestors and keeps all P states of each chain.
/// `kernel = mixture` fits a Gaussian mixture to the resampled particles by EM (K by BIC unless
/// given) and moves each particle by independent MH with it as the proposal, optionally followed by
/// `local_moves` RWM sweeps (after the seed paper on adaptive SMC with mixture proposals).
public struct TemperedSMC: PopulationSampler {
    /// The Metropolis move applied to the particles at each stage.
    public enum Kernel: String, Sendable, CaseIterable { case rwm, mala, mixture }

    public let name = "smc"
    public var particles: Int
    public var essTarget: Double
    public var resampling: Resampling
    public var moves: Int
    public var kernel: Kernel
    public var wasteFree: Bool
    public var chainLength: Int
    /// sd of the reference; nil: from the target's known moments (inflated ×2), else 10.
    public var referenceScale: Double?
    /// Mixture proposals: components (nil: BIC over 1…8) and RWM sweeps after each independent one.
    public var components: Int?
    public var localMoves = 0
    public static let maxStages = 500

    public init(particles: Int, essTarget: Double, resampling: Resampling, moves: Int, kernel: Kernel, wasteFree: Bool,
                chainLength: Int, referenceScale: Double?) {
        self.particles = particles; self.essTarget = essTarget; self.resampling = resampling; self.moves = moves
        self.kernel = kernel; self.wasteFree = wasteFree; self.chainLength = chainLength; self.referenceScale = referenceScale
    }

    /// From typed settings (the registry's defaults for every parameter not set).
    public init(settings s: SMCSettings = .defaults) {
        self.init(particles: s.particles, essTarget: s.essTarget, resampling: s.resampling, moves: s.moves, kernel: s.kernel,
                  wasteFree: s.wasteFree, chainLength: s.chainLength, referenceScale: s.referenceScale)
        components = s.components
        localMoves = s.localMoves
    }

    /// From checked registry parameters; a parameter not given takes the registry's default.
    public init(parameters: SamplerParameters) { self.init(settings: SMCSettings(parameters)) }

    /// Oracle calls of one particle's move: RWM one density; MALA two gradients (at the particle,
    /// whose gradient is not kept between sweeps, and at the proposal); mixture one density per
    /// independent proposal plus one per local RWM sweep.
    static func costOfMove(kernel: Kernel, localMoves: Int) -> OracleCounts {
        switch kernel {
        case .rwm: return OracleCounts(densityEvaluations: 1)
        case .mala: return OracleCounts(gradientEvaluations: 2)
        case .mixture: return OracleCounts(densityEvaluations: 1 + localMoves)
        }
    }

    public func describe(_ run: PopulationRun) -> String { "\(run.schedule.count - 1) stages" }

    public var acceptanceDescription: String { kernel == .mixture ? "fitted-proposal acceptance" : "move acceptance" }

    /// The population size that spends about `budget` oracle calls: a particle costs its start
    /// plus moves × (calls of a move) per stage, with the number of stages read off a pilot run of
    /// 200 particles, whose calls are returned to be counted with the run's.
    public func particles(forBudget budget: Int, target: NamedTarget, seed: UInt64) -> (particles: Int, pilotCalls: Int) {
        var pilotSampler = self
        pilotSampler.particles = 200
        let pilot = pilotSampler.run(target: target, noise: RandomStream(seed: seed, stream: 0))
        let pilotCalls = pilot.counts.densityEvaluations + pilot.counts.gradientEvaluations
        let stages = max(1, pilot.schedule.count - 1)
        let move = Self.costOfMove(kernel: kernel, localMoves: localMoves)
        let perParticle = 1 + (wasteFree ? 1 : moves) * (move.gradientEvaluations + move.densityEvaluations) * stages
        return (max(50, (budget - pilotCalls) / perParticle), pilotCalls)
    }

    /// The reference N(m, diag(s²)) (`GaussianReference.choose`, shared with parallel tempering).
    func reference(for target: NamedTarget) -> GaussianReference {
        GaussianReference.choose(dimension: target.dimension, moments: target.moments, scale: referenceScale)
    }

    public func run(target: NamedTarget, noise: RandomStream, checkpoints: (any StageCheckpoints)?) throws(SampoError) -> PopulationRun {
        let d = target.dimension, density = target.density
        let p0 = reference(for: target)
        let (m0, s0) = (p0.mean, p0.sd)
        func logRef(_ x: UnsafePointer<Double>) -> Double { p0.logDensity(at: x, gradient: nil) }
        var counts = OracleCounts()
        let n = wasteFree ? (particles / chainLength) * chainLength : particles
        var x = [Double](repeating: 0, count: n * d)
        for i in 0..<n { for j in 0..<d { x[i * d + j] = m0[j] + s0[j] * noise.normal() } }
        var lp = [Double](repeating: 0, count: n), lr = [Double](repeating: 0, count: n)
        x.withUnsafeBufferPointer { xb in
            for i in 0..<n {
                lp[i] = density.logDensity(at: xb.baseAddress! + i * d)
                lr[i] = logRef(xb.baseAddress! + i * d)
            }
        }
        counts.densityEvaluations += n
        let mover: any ParticleMoving
        do throws(SampoError) { mover = try ParticleMover<GaussianMixture>.make(density, reference: p0) } catch {
            return PopulationRun(particles: x, count: n, logZ: nil, schedule: [0], acceptancePerStage: [], counts: counts,
                                 failure: error.message)
        }
        var lambda = 0.0, logZ = 0.0
        // Each particle's time-0 ancestor ("Eve"), for the single-run variance of Ẑ.
        var eve = Array(0..<n)
        var logZVariance: Double?
        var schedule = [0.0], acceptance: [Double] = []
        var scale = 1.0
        var failure: String?
        // Stages whose incremental weights fell far below the ESS target (the smallest step the
        // bisection allows still degenerated): log Ẑ and the population are then not to be trusted.
        var collapsed: [(stage: Int, ess: Double)] = []
        var essPerStage: [Double] = []
        /// Everything the loop carries from stage to stage (the mover's kernels and the stream too).
        func write(_ w: inout CheckpointWriter) {
            w.section("smc")
            w.write(x); w.write(lp); w.write(lr); w.write(eve); w.write(lambda); w.write(logZ); w.write(optional: logZVariance)
            w.write(schedule); w.write(acceptance); w.write(scale); w.write(optional: failure)
            w.write(collapsed.map(\.stage)); w.write(collapsed.map(\.ess)); w.write(essPerStage)
            counts.write(to: &w)
            mover.write(to: &w)
            noise.writeState(to: &w)
        }
        if let state = checkpoints?.resumeState {
            var r = CheckpointReader(state)
            try r.section("smc")
            x = try r.readDoubles(count: n * d, "particles"); lp = try r.readDoubles(count: n, "log π̃")
            lr = try r.readDoubles(count: n, "log p₀"); eve = try r.readInts()
            guard eve.count == n else { throw .runtime("checkpoint: \(eve.count) ancestors, expected \(n)") }
            lambda = try r.readDouble(); logZ = try r.readDouble(); logZVariance = try r.readOptionalDouble()
            schedule = try r.readDoubles(); acceptance = try r.readDoubles(); scale = try r.readDouble(); failure = try r.readOptionalString()
            let stages = try r.readInts(), esses = try r.readDoubles()
            guard stages.count == esses.count else { throw .runtime("checkpoint: SMC's collapsed stages do not pair up") }
            collapsed = Array(zip(stages, esses)).map { (stage: $0.0, ess: $0.1) }
            essPerStage = try r.readDoubles()
            counts = try OracleCounts.read(from: &r)
            try mover.read(from: &r)
            try noise.readState(from: &r)
            guard r.isAtEnd else { throw .runtime("checkpoint: bytes left after SMC's state") }
        }

        while lambda < 1 && failure == nil {
            checkpoints?.stage(schedule.count - 1, final: false, write: write)
            if schedule.count > Self.maxStages { failure = "schedule stalled after \(Self.maxStages) stages at λ = \(lambda)"; break }
            let ell = (0..<n).map { i -> Double in let v = lp[i] - lr[i]; return v.isNaN ? -.infinity : v }
            let delta = nextIncrement(ell, remaining: 1 - lambda)
            let logW = ell.map { delta * $0 }
            let lse = logSumExp(logW)
            guard lse.isFinite else {
                failure = "stage \(schedule.count): every incremental weight underflowed at λ = \(lambda)"
                break
            }
            logZ += lse - log(Double(n))
            lambda = delta >= 1 - lambda ? 1 : lambda + delta
            schedule.append(lambda)
            let w = logW.map { exp($0 - lse) }
            let achieved = 1 / w.reduce(0) { $0 + $1 * $1 }
            essPerStage.append(achieved)
            if achieved < Self.collapseFraction * essTarget * Double(n) { collapsed.append((schedule.count - 1, achieved)) }
            // The genealogy estimate is derived for multinomial resampling; under systematic resampling
            // it was 1.6× (RWM moves) to 3× (mixture moves) too small over 40 runs, so it is not given.
            if !wasteFree && resampling == .multinomial {
                logZVariance = Self.genealogyVariance(weights: w, eves: eve, stages: schedule.count - 1)
            }
            // Resample (waste-free: M ancestors, each extended into a chain of P states).
            let keep = wasteFree ? n / chainLength : n
            let parents = resampling.ancestors(weights: w, count: keep, noise: noise)
            var nx = [Double](repeating: 0, count: n * d), nlp = [Double](repeating: 0, count: n), nlr = nlp
            var nextEve = eve
            for (k, a) in parents.enumerated() {
                for j in 0..<d { nx[k * d + j] = x[a * d + j] }
                nlp[k] = lp[a]; nlr[k] = lr[a]
                if k < nextEve.count { nextEve[k] = eve[a] }
            }
            eve = nextEve
            let factor = proposalFactor(nx, count: keep, dimension: d)
            if kernel == .mixture {
                let rate = mixtureMoves(&nx, &nlp, &nlr, count: n, dimension: d, lambda: lambda, density: density,
                                        logRef: logRef, mover: mover, factor: factor, scale: &scale, noise: noise, counts: &counts)
                acceptance.append(rate)
                x = nx; lp = nlp; lr = nlr
                continue
            }
            if wasteFree { for i in 0..<n { eve[i] = eve[i % keep] } }   // chain states share their ancestor's Eve
            // Moves in sweeps over the population; the scale adapts after every sweep
            // (s ← exp(log s + acc − target)), so a poor global proposal is corrected within a stage.
            let targetRate = kernel == .rwm ? 0.234 : 0.574
            var accepted = 0, proposed = 0
            let sweeps = wasteFree ? chainLength - 1 : moves
            nx.withUnsafeMutableBufferPointer { xb in
                let base = xb.baseAddress!
                for sweep in 1...sweeps {
                    mover.prepare(kernel: kernel, lambda: lambda, factor: factor, scale: scale)
                    var sweepAccepted = 0
                    if wasteFree {
                        // Chain k's state `sweep` starts from its state `sweep − 1`; all P states are kept.
                        for k in 0..<keep {
                            let from = (sweep - 1) * keep + k, to = sweep * keep + k
                            (base + to * d).update(from: base + from * d, count: d)
                            var a = nlp[from], b = nlr[from]
                            if mover.move(base + to * d, &a, &b, noise) { sweepAccepted += 1 }
                            nlp[to] = a; nlr[to] = b
                        }
                    } else {
                        for i in 0..<n where mover.move(base + i * d, &nlp[i], &nlr[i], noise) { sweepAccepted += 1 }
                    }
                    let sweepCount = wasteFree ? keep : n
                    accepted += sweepAccepted
                    proposed += sweepCount
                    scale = exp(log(scale) + Double(sweepAccepted) / Double(sweepCount) - targetRate)
                }
            }
            acceptance.append(Double(accepted) / Double(max(proposed, 1)))
            x = nx; lp = nlp; lr = nlr
        }
        checkpoints?.stage(schedule.count - 1, final: true, write: write)
        var run = PopulationRun(particles: x, count: n, logZ: failure == nil ? logZ : nil, schedule: schedule,
                                acceptancePerStage: acceptance, counts: counts + mover.counts, failure: failure,
                                logZVariance: failure == nil ? logZVariance : nil)
        run.essPerStage = essPerStage
        if let worst = collapsed.min(by: { $0.ess < $1.ess }) {
            run.warnings.append(String(format: "weight degeneracy: the incremental weights' ESS fell to %.3g of %d particles (target %.0f) at %d of %d stages, "
                                       + "worst at stage %d; log Ẑ and the particles are not to be trusted (a reference far from the target: "
                                       + "check reference_scale, or use more particles)", worst.ess, n, essTarget * Double(n), collapsed.count,
                                       schedule.count - 1, worst.stage))
        }
        return run
    }

    /// A stage whose incremental weights' ESS is below this fraction of the target is a collapse.
    public static let collapseFraction = 0.5

    /// Lee & Whiteley's estimate of Var(Ẑ)/Z² from one run: 1 − (N/(N − 1))^T Σ_{i,j: E_i ≠ E_j} W_i W_j
    /// with W the last stage's normalised weights, E the particles' time-0 ancestors and T the
    /// number of weighting stages (consistent for multinomial resampling at every stage; not used
    /// under the other schemes, where it is too small). Clamped at 0.
    static func genealogyVariance(weights w: [Double], eves: [Int], stages: Int) -> Double {
        let n = Double(w.count)
        // Summed in the order of the ancestors' indices: a dictionary's order (and so the rounding
        // of the sum) changes from process to process, which made this value differ between runs.
        var byEve = [Double](repeating: 0, count: (eves.max() ?? 0) + 1)
        for (i, e) in eves.enumerated() where i < w.count && e >= 0 { byEve[e] += w[i] }
        let sameEve = byEve.reduce(0) { $0 + $1 * $1 }
        let total = w.reduce(0, +)
        let distinct = total * total - sameEve
        return max(0, 1 - pow(n / (n - 1), Double(stages)) * distinct)
    }

    /// Independent MH from a mixture fitted to the particles (`moves` sweeps, each followed by
    /// `localMoves` RWM sweeps); returns the fitted proposal's acceptance rate. If no mixture can
    /// be fitted the stage falls back to RWM sweeps (rate 0).
    func mixtureMoves(_ x: inout [Double], _ lp: inout [Double], _ lr: inout [Double], count n: Int, dimension d: Int,
                      lambda: Double, density: any LogDensity, logRef: (UnsafePointer<Double>) -> Double,
                      mover: any ParticleMoving, factor: [Double], scale: inout Double, noise: RandomStream,
                      counts: inout OracleCounts) -> Double {
        let fit = components.map { MixtureFit.fit(points: x, count: n, dimension: d, components: $0, rng: noise) }
            ?? MixtureFit.bestByBIC(points: x, count: n, dimension: d, rng: noise)
        let local = localMoves
        var accepted = 0, proposed = 0
        func tempered(_ p: Double, _ r: Double) -> Double { TemperedDensity<GaussianMixture>.combine(logTarget: p, logReference: r, beta: lambda) }
        x.withUnsafeMutableBufferPointer { xb in
            let base = xb.baseAddress!
            mover.prepare(kernel: .rwm, lambda: lambda, factor: factor, scale: scale)
            guard let q = fit?.mixture else {
                for _ in 0..<(moves * max(1, local)) { for i in 0..<n { _ = mover.move(base + i * d, &lp[i], &lr[i], noise) } }
                return
            }
            var logQ = (0..<n).map { q.logDensity(at: base + $0 * d) }
            var y = [Double](repeating: 0, count: d)
            for _ in 0..<moves {
                for i in 0..<n {
                    y.withUnsafeMutableBufferPointer { yb in
                        let yp = yb.baseAddress!
                        q.drawExact(into: yp, rng: noise)
                        let lpy = density.logDensity(at: yp)
                        counts.densityEvaluations += 1
                        let lry = logRef(yp), lqy = q.logDensity(at: yp)
                        let logAlpha = tempered(lpy, lry) - tempered(lp[i], lr[i]) + logQ[i] - lqy
                        proposed += 1
                        if MetropolisHastings.accept(logAlpha: logAlpha.isNaN ? -.infinity : logAlpha, noise: noise) {
                            (base + i * d).update(from: yp, count: d)
                            lp[i] = lpy; lr[i] = lry; logQ[i] = lqy
                            accepted += 1
                        }
                    }
                }
                for _ in 0..<local {
                    var sweepAccepted = 0
                    mover.prepare(kernel: .rwm, lambda: lambda, factor: factor, scale: scale)
                    for i in 0..<n where mover.move(base + i * d, &lp[i], &lr[i], noise) {
                        sweepAccepted += 1
                        logQ[i] = q.logDensity(at: base + i * d)
                    }
                    scale = exp(log(scale) + Double(sweepAccepted) / Double(n) - 0.234)
                }
            }
        }
        return proposed > 0 ? Double(accepted) / Double(proposed) : 0
    }

    /// δ ∈ (0, remaining] with ESS(exp(δℓ)) = ρN by bisection, or `remaining` if that keeps ESS ≥ ρN.
    func nextIncrement(_ ell: [Double], remaining: Double) -> Double {
        let n = Double(ell.count)
        func ess(_ delta: Double) -> Double {
            let v = ell.map { delta * $0 }
            let m = v.max() ?? 0
            guard m.isFinite else { return 0 }
            var s = 0.0, s2 = 0.0
            for x in v { let w = exp(x - m); s += w; s2 += w * w }
            return s * s / s2
        }
        if ess(remaining) >= essTarget * n { return remaining }
        var lo = 0.0, hi = remaining
        for _ in 0..<60 {
            let mid = (lo + hi) / 2
            if ess(mid) >= essTarget * n { lo = mid } else { hi = mid }
        }
        return max(lo, 1e-12 * remaining)
    }

    /// Lower Cholesky factor of the particles' covariance (with a little jitter), row-major.
    func proposalFactor(_ x: [Double], count: Int, dimension d: Int) -> [Double] {
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<count { for j in 0..<d { mean[j] += x[i * d + j] } }
        mean = mean.map { $0 / Double(count) }
        var cov = [Double](repeating: 0, count: d * d)
        for i in 0..<count {
            for a in 0..<d { for b in 0...a { cov[a * d + b] += (x[i * d + a] - mean[a]) * (x[i * d + b] - mean[b]) } }
        }
        for a in 0..<d { for b in 0...a { cov[a * d + b] /= Double(max(count - 1, 1)); cov[b * d + a] = cov[a * d + b] } }
        let trace = (0..<d).reduce(0.0) { $0 + cov[$1 * d + $1] }
        let jitter = max(trace / Double(d), 1e-12) * 1e-9
        for a in 0..<d { cov[a * d + a] += jitter }
        if let l = try? Cholesky.factor(cov, dimension: d) { return l }
        var diag = [Double](repeating: 0, count: d * d)
        for a in 0..<d { diag[a * d + a] = max(cov[a * d + a], jitter).squareRoot() }
        return diag
    }
}

/// Moves particles one at a time with the registry's kernels on π_λ ∝ p₀^{1−λ} π̃^λ (a
/// `TemperedDensity`), each particle carrying its cached log π̃ and log p₀: RWM with proposal
/// (2.38/√d)·s·L (L the particles' Cholesky factor), installed at the particle without an oracle
/// call, or MALA with step h = s²·v̄/d^{1/3}/2 (v̄ the mean particle variance along the axes),
/// started at the particle with one gradient (particles keep none between sweeps).
protocol ParticleMoving: AnyObject {
    /// Sets the kernel, temperature, proposal factor and scale of the coming sweep.
    func prepare(kernel: TemperedSMC.Kernel, lambda: Double, factor: [Double], scale: Double)
    /// One MH move of the particle at x; updates its log π̃ and log p₀ when accepted.
    func move(_ x: UnsafeMutablePointer<Double>, _ lp: inout Double, _ lr: inout Double, _ noise: RandomStream) -> Bool
    /// The kernels' oracle calls so far.
    var counts: OracleCounts { get }
    /// The kernels' and the tempered density's state, for checkpoints between stages.
    func write(to w: inout CheckpointWriter)
    func read(from r: inout CheckpointReader) throws(SampoError)
}

final class ParticleMover<Target: LogDensity>: ParticleMoving {
    let density: TemperedDensity<Target>
    let rwm: RWM<TemperedDensity<Target>>
    let mala: MALA<TemperedDensity<Target>>
    private var kernel = TemperedSMC.Kernel.rwm

    init(target: Target, reference: GaussianReference) throws(SampoError) {
        density = TemperedDensity(target: target, reference: reference, beta: 0)
        rwm = try RWM(target: density, stepSize: 1)
        mala = try MALA(target: density, stepSize: 1)
    }

    /// A mover for a target given as an existential (opened here, once per run).
    static func make(_ target: any LogDensity, reference: GaussianReference) throws(SampoError) -> any ParticleMoving {
        func open<T: LogDensity>(_ t: T) throws(SampoError) -> any ParticleMoving { try ParticleMover<T>(target: t, reference: reference) }
        return try open(target)
    }

    var counts: OracleCounts { rwm.counts + mala.counts }

    func write(to w: inout CheckpointWriter) {
        w.section("particle mover")
        w.write(kernel.rawValue)
        density.write(to: &w)
        rwm.writeState(to: &w)
        mala.writeState(to: &w)
    }

    func read(from r: inout CheckpointReader) throws(SampoError) {
        try r.section("particle mover")
        guard let k = TemperedSMC.Kernel(rawValue: try r.readString()) else { throw .runtime("checkpoint: an SMC move kernel this Sampo does not know") }
        kernel = k
        try density.read(from: &r)
        try rwm.readState(from: &r)
        try mala.readState(from: &r)
    }

    func prepare(kernel: TemperedSMC.Kernel, lambda: Double, factor: [Double], scale: Double) {
        let d = density.dimension
        self.kernel = kernel
        density.beta = lambda
        switch kernel {
        case .rwm, .mixture:   // mixture stages use RWM for their local moves
            rwm.proposalFactor = factor
            rwm.adapt(stepSize: 2.38 / Double(d).squareRoot() * scale)
        case .mala:
            var vbar = 0.0
            for a in 0..<d { var s = 0.0; for b in 0...a { s += factor[a * d + b] * factor[a * d + b] }; vbar += s }
            mala.adapt(stepSize: scale * scale * (vbar / Double(d)) / pow(Double(d), 1.0 / 3) * 0.5)
        }
    }

    func move(_ x: UnsafeMutablePointer<Double>, _ lp: inout Double, _ lr: inout Double, _ noise: RandomStream) -> Bool {
        let accepted: Bool, position: UnsafePointer<Double>
        if kernel == .mala {
            mala.reset(to: x)
            accepted = mala.step(rng: noise)
            position = mala.position
        } else {
            rwm.restore(position: x, logDensity: TemperedDensity<Target>.combine(logTarget: lp, logReference: lr, beta: density.beta),
                        gradient: nil)
            accepted = rwm.step(rng: noise)
            position = rwm.position
        }
        guard accepted else { return false }
        x.update(from: position, count: density.dimension)
        lp = density.lastLogTarget
        lr = density.lastLogReference
        return true
    }
}
