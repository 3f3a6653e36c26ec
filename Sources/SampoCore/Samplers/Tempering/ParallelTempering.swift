import Foundation

/// How each tempered replica moves.
public enum TemperingExplorer: String, Sendable, CaseIterable { case rwm, mala, hmc }

/// Non-reversible parallel tempering (Syed, Bouchard-Côté, Deligiannidis & Doucet 2022): replicas
/// on the path π_β ∝ p₀^{1−β} π^β from the Gaussian reference p₀ (β = 0, drawn exactly) to the
/// target (β = 1), each moved by an exploration kernel of the registry (RWM, MALA or HMC with 10
/// leapfrog steps and no jitter) on its `TemperedDensity`,
/// then swaps by the deterministic even/odd scheme: even scans propose the pairs (i, i + 1) with i
/// even, odd scans those with i odd, each accepted with probability
/// min(1, exp((β_{i+1} − β_i)(ℓ(x_i) − ℓ(x_{i+1})))), ℓ = log π − log p₀. During warm-up, in rounds
/// of 2, 4, 8, … scans, each replica's step size is adapted by dual averaging and the schedule is
/// moved to equalise the swap rejection rates (β_k = Λ⁻¹(kΛ/N) from the cumulative rejection Λ(β)).
/// One `step` is one scan; the position is the β = 1 replica's. log Z by stepping stones.
public final class ParallelTempering<Target: LogDensity>: MarkovKernel, SelfTuningKernel, KernelReporting {
    public typealias Explorer = TemperingExplorer

    public let target: Target
    public let reference: GaussianReference
    public let explorer: Explorer
    public let acceptanceGoal: Double
    public let dimension: Int
    /// Leapfrog steps of the HMC explorer.
    public static var hmcSteps: Int { 10 }
    /// Evaluations: PT's own (the exact draws at β = 0 and resets) plus every explorer's.
    public var counts: OracleCounts { explorers.reduce(ownCounts) { $0 + $1.counts } }
    private var ownCounts = OracleCounts()
    public var nanProposals: Int { explorers.reduce(0) { $0 + $1.nanProposals } }
    public private(set) var betas: [Double]
    /// Step size per temperature (β = 0 is drawn exactly and has none in use).
    public private(set) var stepSizes: [Double]

    /// Replica states: position, ∇log π, ∇log p₀; one slot more than temperatures for the exact
    /// draw at β = 0. Swaps exchange slots; an explorer's accepted move is copied into its slot.
    private let buffers: VectorBuffers
    private var slotOf: [Int]
    private var spare: Int
    private var logPi: [Double], logRef: [Double]
    /// The tempered gradient handed to an explorer when its state is installed.
    private let temperedGradient: UnsafeMutablePointer<Double>
    /// Temperature i ≥ 1: its tempered density and the explorer kernel moving it (index 0 unused).
    private var densities: [TemperedDensity<Target>] = []
    private var explorers: [any StepSizeAdaptable & StateRestorable] = []
    /// Whether explorer i's state is stale (after a swap, a new schedule or a reset).
    private var stale: [Bool]
    /// Which replica (by label) is at each temperature, for round trips.
    private var labelAt: [Int]
    private var tripState: [Int]
    private var scan = 0
    // Statistics of the current phase (a warm-up round, or sampling).
    private var rejectionSum: [Double], swapTries: [Int]
    private var roundTrips = 0
    private var stoneLogSum: [Double], stoneCount = 0
    /// The same stepping stones in batches, for log Ẑ's standard error.
    private var stoneBatches: BatchedLogMeans
    // Warm-up.
    private var tuning = false
    private var dual: [DualAveraging] = []
    private var roundLength = 2, scansInRound = 0, rounds = 0
    private var lastBarrier = Double.nan

    /// `acceptanceGoal`: the acceptance rate each replica's step-size adaptation aims for (the
    /// explorer's registry entry gives it).
    public init(target: Target, reference: GaussianReference, replicas: Int, explorer: Explorer, acceptanceGoal: Double,
                stepSize: Double) throws(SampoError) {
        let d = target.dimension
        try KernelChecks.dimension(d)
        try KernelChecks.stepSize(stepSize)
        guard replicas >= 2, replicas <= 10_000 else {
            throw .invalid(.samplerParameter("replicas"), "expected 2 to 10000 replicas, found \(replicas)")
        }
        guard reference.mean.count == d, reference.sd.count == d, reference.sd.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw .invalid(.samplerParameter("reference_scale"), "the reference must have \(d) positive finite sds")
        }
        // Each replica's slot (x, ∇log π, ∇log p₀) plus its explorer kernel and tempered density
        // (at most 10 vectors: HMC's 8 and the density's 2).
        try MemoryLimit.check(doubles: [3 * (replicas + 1) + 1 + 10 * replicas, max(d, 1)], for: .samplerParameter("replicas"),
                              what: "the replicas' states and explorers (13 × replicas × dimension)")
        self.target = target
        self.reference = reference
        self.explorer = explorer
        self.acceptanceGoal = acceptanceGoal
        dimension = d
        betas = (0..<replicas).map { Double($0) / Double(replicas - 1) }
        stepSizes = Array(repeating: stepSize, count: replicas)
        buffers = VectorBuffers(dimension: d, count: 3 * (replicas + 1) + 1)
        slotOf = Array(0..<replicas)
        spare = replicas
        logPi = Array(repeating: -.infinity, count: replicas + 1)
        logRef = logPi
        temperedGradient = buffers[3 * (replicas + 1)]
        stale = Array(repeating: true, count: replicas)
        labelAt = Array(0..<replicas)
        tripState = Array(repeating: 0, count: replicas)
        rejectionSum = Array(repeating: 0, count: replicas - 1)
        swapTries = Array(repeating: 0, count: replicas - 1)
        stoneLogSum = Array(repeating: -.infinity, count: replicas - 1)
        stoneBatches = BatchedLogMeans(components: replicas - 1)
        for i in 0..<replicas {
            let density = TemperedDensity(target: target, reference: reference, beta: betas[i])
            densities.append(density)
            switch explorer {
            case .rwm: explorers.append(try RWM(target: density, stepSize: stepSize))
            case .mala: explorers.append(try MALA(target: density, stepSize: stepSize))
            case .hmc: explorers.append(try HMC(target: density, stepSize: stepSize, steps: Self.hmcSteps, jitter: 0))
            }
        }
    }

    private var replicas: Int { betas.count }
    private func x(_ slot: Int) -> UnsafeMutablePointer<Double> { buffers[3 * slot] }
    private func g(_ slot: Int) -> UnsafeMutablePointer<Double> { buffers[3 * slot + 1] }
    private func gRef(_ slot: Int) -> UnsafeMutablePointer<Double> { buffers[3 * slot + 2] }

    public var position: UnsafePointer<Double> { UnsafePointer(x(slotOf[replicas - 1])) }

    /// Evaluates log π (and its gradient for gradient explorers) and log p₀ at a slot.
    private func evaluate(_ s: Int) {
        if explorer == .rwm {
            logPi[s] = target.logDensity(at: x(s))
            ownCounts.densityEvaluations += 1
        } else {
            logPi[s] = target.logDensityAndGradient(at: x(s), gradient: g(s))
            ownCounts.gradientEvaluations += 1
        }
        logRef[s] = reference.logDensity(at: x(s), gradient: gRef(s))
    }

    @discardableResult
    public func reset(to start: UnsafePointer<Double>) -> Double {
        for s in slotOf {
            x(s).update(from: start, count: dimension)
            evaluate(s)
        }
        for i in stale.indices { stale[i] = true }
        return logPi[slotOf[replicas - 1]]
    }

    public func step(rng: RandomStream) -> Bool { advance(rng) }
    public func step(noise: ScriptedNoise) -> Bool { advance(noise) }

    private func advance<N: NoiseSource>(_ noise: N) -> Bool {
        let top = replicas - 1
        let before = logPi[slotOf[top]]
        // Exploration: β = 0 drawn exactly, the others by the explorer.
        reference.draw(into: x(spare), noise: noise)
        evaluate(spare)
        swap(&slotOf[0], &spare)
        var movedTop = false
        for i in 1...top {
            let a = explore(i, noise: noise)
            if i == top { movedTop = a.accepted }
            if tuning {
                dual[i].update(acceptance: a.probability)
                stepSizes[i] = dual[i].stepSize
            }
        }
        // Stepping stones (sampling only): log E_{π_i}[exp((β_{i+1} − β_i) ℓ)].
        if !tuning {
            stoneCount += 1
            for i in 0..<top {
                let s = slotOf[i]
                let w = (betas[i + 1] - betas[i]) * (logPi[s] - logRef[s])
                stoneLogSum[i] = logAddExp(stoneLogSum[i], w.isNaN ? -.infinity : w)
                stoneBatches.add(i, logWeight: w)
            }
            stoneBatches.endRecord()
        }
        // Deterministic even/odd swaps.
        var i = scan % 2
        while i < top {
            let a = slotOf[i], b = slotOf[i + 1]
            let logAlpha = (betas[i + 1] - betas[i]) * ((logPi[a] - logRef[a]) - (logPi[b] - logRef[b]))
            let alpha = MetropolisHastings.probability(logAlpha: logAlpha)
            rejectionSum[i] += 1 - alpha
            swapTries[i] += 1
            if MetropolisHastings.accept(logAlpha: logAlpha.isNaN ? -.infinity : logAlpha, noise: noise) {
                slotOf.swapAt(i, i + 1)
                labelAt.swapAt(i, i + 1)
                stale[i] = true; stale[i + 1] = true
            }
            i += 2
        }
        scan += 1
        trackRoundTrips()
        if tuning {
            scansInRound += 1
            if scansInRound == roundLength { endRound() }
        }
        return movedTop || logPi[slotOf[top]] != before
    }

    /// One explorer move of the replica at temperature i: its kernel, on π_{β_i}, from the slot's
    /// state (installed without an oracle call when it changed); an accepted move is copied back.
    private func explore<N: NoiseSource>(_ i: Int, noise: N) -> (accepted: Bool, probability: Double) {
        let kernel = explorers[i], density = densities[i], s = slotOf[i], d = dimension
        if stale[i] {
            density.beta = betas[i]
            let gradient: UnsafePointer<Double>?
            if explorer == .rwm {
                gradient = nil
            } else {
                TemperedDensity<Target>.combine(targetGradient: g(s), referenceGradient: gRef(s), beta: betas[i],
                                                into: temperedGradient, d)
                gradient = UnsafePointer(temperedGradient)
            }
            kernel.restore(position: x(s), logDensity: TemperedDensity<Target>.combine(logTarget: logPi[s], logReference: logRef[s],
                                                                                      beta: betas[i]), gradient: gradient)
            stale[i] = false
        }
        kernel.adapt(stepSize: stepSizes[i])
        let accepted: Bool
        if let rng = noise as? RandomStream { accepted = kernel.step(rng: rng) } else if let scripted = noise as? ScriptedNoise {
            accepted = kernel.step(noise: scripted)
        } else { accepted = false }
        let probability = kernel.lastTransition.acceptStatistic
        guard accepted else { return (false, probability) }
        x(s).update(from: kernel.position, count: d)
        logPi[s] = density.lastLogTarget
        logRef[s] = density.lastLogReference
        if explorer != .rwm {
            g(s).update(from: density.lastTargetGradient, count: d)
            gRef(s).update(from: density.lastReferenceGradient, count: d)
        }
        return (true, probability)
    }

    /// A round trip: a replica travels from β = 0 to β = 1 and back to β = 0.
    private func trackRoundTrips() {
        let bottom = labelAt[0], top = labelAt[replicas - 1]
        if tripState[top] == 1 { tripState[top] = 2 }
        if tripState[bottom] == 2 { roundTrips += 1 }
        tripState[bottom] = 1
    }

    public func beginWarmup(iterations: Int) {
        guard iterations > 0 else { return }
        tuning = true
        dual = stepSizes.map { DualAveraging(initialStepSize: $0, target: acceptanceGoal) }
        roundLength = 2; scansInRound = 0; rounds = 0
        resetStatistics()
    }

    /// At the end of a round: the new schedule from the round's rejection rates.
    private func endRound() {
        let r = zip(rejectionSum, swapTries).map { $1 > 0 ? $0 / Double($1) : 0 }
        var cumulative = [0.0]
        for v in r { cumulative.append((cumulative.last ?? 0) + v) }
        let barrier = cumulative.last ?? 0
        lastBarrier = barrier
        let n = replicas - 1
        if barrier > 0 {
            var updated = betas
            var k = 0
            for m in 1..<n {
                let level = Double(m) * barrier / Double(n)
                while k < n - 1 && cumulative[k + 1] < level { k += 1 }
                let span = cumulative[k + 1] - cumulative[k]
                let t = span > 0 ? (level - cumulative[k]) / span : 0
                updated[m] = betas[k] + t * (betas[k + 1] - betas[k])
            }
            // Strictly increasing, within (0, 1).
            for m in 1..<n { updated[m] = min(max(updated[m], updated[m - 1] + 1e-12), 1 - 1e-12 * Double(n - m)) }
            betas = updated
            for i in stale.indices { stale[i] = true }
        }
        for i in 1..<replicas {
            let h = dual[i].iteration > 0 ? dual[i].finalStepSize : stepSizes[i]
            if h.isFinite && h > 0 { stepSizes[i] = h }
            dual[i].restart(at: stepSizes[i])
        }
        rounds += 1
        roundLength *= 2
        scansInRound = 0
        resetStatistics()
    }

    public func endWarmup() {
        guard tuning else { return }
        for i in 1..<replicas where dual[i].iteration > 0 {
            let h = dual[i].finalStepSize
            if h.isFinite && h > 0 { stepSizes[i] = h }
        }
        tuning = false
        resetStatistics()
    }

    private func resetStatistics() {
        for i in rejectionSum.indices { rejectionSum[i] = 0; swapTries[i] = 0; stoneLogSum[i] = -.infinity }
        stoneCount = 0
        stoneBatches.reset()
        roundTrips = 0
        for i in tripState.indices { tripState[i] = 0 }
    }

    /// log Z of the target's density by stepping stones over the sampling scans (p₀ is normalised).
    public var logNormalizer: Double? {
        guard stoneCount > 0 else { return nil }
        return stoneLogSum.reduce(0) { $0 + $1 - log(Double(stoneCount)) }
    }

    /// Standard error of `logNormalizer` by batch means over the sampling scans (nil before 16
    /// batches of scans). It sees only this chain's own fluctuations: a chain that never visits a
    /// mode has a small error and a wrong value, which shows when chains are compared.
    public var logNormalizerStandardError: Double? { stoneBatches.standardError }

    /// The communication barrier Λ = Σ rejection rates over the sampling scans (or the last warm-up round).
    public var barrier: Double {
        let r = zip(rejectionSum, swapTries).map { $1 > 0 ? $0 / Double($1) : Double.nan }
        return r.contains(where: \.isNaN) ? lastBarrier : r.reduce(0, +)
    }

    public var report: KernelReport {
        .tempering(TemperingReport(schedule: betas, stepSizes: stepSizes, barrier: barrier, roundTrips: roundTrips,
                                   swapAcceptance: zip(rejectionSum, swapTries).map { $1 > 0 ? 1 - $0 / Double($1) : .nan },
                                   tuningRounds: rounds, logZ: logNormalizer, logZStandardError: logNormalizerStandardError))
    }
}

/// Parallel tempering's state: the schedule and step sizes, every replica's slot and cached
/// densities, each explorer kernel and tempered density, the round-trip and swap statistics, the
/// stepping stones and the warm-up rounds (here, beside the private state it reads).
extension ParallelTempering: Checkpointable {
    public func writeState(to w: inout CheckpointWriter) {
        w.section("parallel tempering")
        w.write(betas.count)
        ownCounts.write(to: &w)
        w.write(betas); w.write(stepSizes)
        w.write(UnsafeBufferPointer(buffers.all))
        w.write(slotOf); w.write(spare); w.write(logPi); w.write(logRef)
        for density in densities { density.write(to: &w) }
        for kernel in explorers { (kernel as? any Checkpointable)?.writeState(to: &w) }
        w.write(stale.map { $0 ? 1 : 0 }); w.write(labelAt); w.write(tripState); w.write(scan)
        w.write(rejectionSum); w.write(swapTries); w.write(roundTrips)
        w.write(stoneLogSum); w.write(stoneCount); stoneBatches.write(to: &w)
        w.write(tuning); w.write(dual.count)
        for d in dual { d.write(to: &w) }
        w.write([roundLength, scansInRound, rounds]); w.write(lastBarrier)
    }

    public func readState(from r: inout CheckpointReader) throws(SampoError) {
        try r.section("parallel tempering")
        let replicas = try r.readInt()
        guard replicas == betas.count else { throw .runtime("checkpoint: parallel tempering with \(replicas) replicas, expected \(betas.count)") }
        // Lengths as built, to check what is read against (values used as indices are checked too).
        let lengths = [slotOf.count, logPi.count, logRef.count, stale.count, labelAt.count, tripState.count,
                       rejectionSum.count, swapTries.count, stoneLogSum.count]
        ownCounts = try OracleCounts.read(from: &r)
        let b = try r.readDoubles(), h = try r.readDoubles()
        guard b.count == replicas, h.count == stepSizes.count else { throw .runtime("checkpoint: a schedule of another length") }
        betas = b; stepSizes = h
        try r.readDoubles(into: buffers.all)
        slotOf = try r.readInts(); spare = try r.readInt(); logPi = try r.readDoubles(); logRef = try r.readDoubles()
        for density in densities { try density.read(from: &r) }
        for kernel in explorers {
            guard let k = kernel as? any Checkpointable else { throw .runtime("checkpoint: an explorer without a checkpoint state") }
            try k.readState(from: &r)
        }
        stale = try r.readInts().map { $0 != 0 }; labelAt = try r.readInts(); tripState = try r.readInts(); scan = try r.readInt()
        rejectionSum = try r.readDoubles(); swapTries = try r.readInts(); roundTrips = try r.readInt()
        stoneLogSum = try r.readDoubles(); stoneCount = try r.readInt(); try stoneBatches.read(from: &r)
        tuning = try r.readBool()
        let duals = try r.readInt()
        guard duals >= 0, duals <= replicas else { throw .runtime("checkpoint: \(duals) step-size adaptations for \(replicas) replicas") }
        var restored: [DualAveraging] = []
        for k in 0..<duals {
            var d = k < dual.count ? dual[k] : DualAveraging(initialStepSize: 1, target: acceptanceGoal)
            try d.read(from: &r)
            restored.append(d)
        }
        dual = restored
        let v = try r.readInts()
        guard v.count == 3 else { throw .runtime("checkpoint: parallel tempering's rounds hold 3 numbers, found \(v.count)") }
        roundLength = v[0]; scansInRound = v[1]; rounds = v[2]
        lastBarrier = try r.readDouble()
        let read = [slotOf.count, logPi.count, logRef.count, stale.count, labelAt.count, tripState.count,
                    rejectionSum.count, swapTries.count, stoneLogSum.count]
        let slots = buffers.count / 3
        guard read == lengths, (slotOf + [spare]).allSatisfy({ (0..<slots).contains($0) }),
              labelAt.allSatisfy({ (0..<replicas).contains($0) }) else {
            throw .runtime("checkpoint: parallel tempering's replicas do not match its settings")
        }
    }
}
