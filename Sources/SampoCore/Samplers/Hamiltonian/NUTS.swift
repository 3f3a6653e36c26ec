import Foundation

/// The No-U-Turn sampler as Stan implements it (Hoffman & Gelman 2014; Betancourt 2017): the
/// trajectory doubles in a random direction until the generalised U-turn criterion holds
/// (ρ·M⁻¹p₋ ≤ 0 or ρ·M⁻¹p₊ ≤ 0, with the two extra checks across merged subtrees Stan added in
/// 2020), the depth reaches `maxDepth`, or the energy error exceeds 1000 (a divergence). The
/// draw is chosen multinomially within subtrees and by biased progressive sampling at the top
/// level. h is the leapfrog step ε. Every leapfrog step is one gradient.
public final class NUTS<Target: LogDensity>: HamiltonianKernel<Target>, MarkovKernel, HamiltonianTransitions {
    public let maxDepth: Int
    public var maxTreeDepth: Int? { maxDepth }

    /// A point of phase space: position, momentum, gradient of log π and log π.
    struct PhasePoint {
        let x, p, g: UnsafeMutablePointer<Double>
        var logP = -Double.infinity
        func copy(to other: inout PhasePoint, _ d: Int) {
            other.x.update(from: x, count: d); other.p.update(from: p, count: d); other.g.update(from: g, count: d)
            other.logP = logP
        }
    }

    /// The working vectors of one level of the tree recursion.
    struct Level {
        let pInitEnd, pSharpInitEnd, rhoInit, pFinalBeg, pSharpFinalBeg, rhoFinal, rhoSubtree, rhoExtended: UnsafeMutablePointer<Double>
        var proposeFinal: PhasePoint
    }

    private var current, forward, backward, propose: PhasePoint
    private let sampleMomentum: UnsafeMutablePointer<Double>
    private let pFwdFwd, pSharpFwdFwd, pFwdBck, pSharpFwdBck, pBckFwd, pSharpBckFwd, pBckBck, pSharpBckBck: UnsafeMutablePointer<Double>
    private let rho, rhoFwd, rhoBck, rhoExtended: UnsafeMutablePointer<Double>
    private let levels: [Level]
    @exclusivity(unchecked) private var leapfrogs = 0
    @exclusivity(unchecked) private var sumMetropolis = 0.0
    @exclusivity(unchecked) private var divergent = false

    override func writeFamilyState(to w: inout CheckpointWriter) {
        super.writeFamilyState(to: &w)
        w.section("nuts")
        for point in [current, forward, backward, propose] { w.write(point.logP) }
        w.write(leapfrogs); w.write(sumMetropolis); w.write(divergent)
    }
    override func readFamilyState(from r: inout CheckpointReader) throws(SampoError) {
        try super.readFamilyState(from: &r)
        try r.section("nuts")
        current.logP = try r.readDouble(); forward.logP = try r.readDouble()
        backward.logP = try r.readDouble(); propose.logP = try r.readDouble()
        leapfrogs = try r.readInt(); sumMetropolis = try r.readDouble(); divergent = try r.readBool()
    }

    static var topVectors: Int { 13 + 8 + 4 }
    static var levelVectors: Int { 11 }

    public init(target: Target, stepSize: Double, maxDepth: Int = NUTSSettings.maxDepth.defaultValue, inverseMetric: InverseMetric = .unit) throws(SampoError) {
        guard maxDepth >= 1, maxDepth <= 20 else {
            throw .invalid(.samplerParameter("max_depth"), "expected a tree depth from 1 to 20, found \(maxDepth)")
        }
        self.maxDepth = maxDepth
        let d = target.dimension
        let (vectors, overflow) = Self.levelVectors.multipliedReportingOverflow(by: maxDepth)
        guard !overflow else { throw .invalid(.samplerParameter("max_depth"), "too deep") }
        try MemoryLimit.check(doubles: [Self.topVectors + vectors + Self.firstFreeVector, max(d, 1)], for: .samplerParameter("max_depth"),
                              what: "the NUTS tree's working vectors")
        let buffers = try Self.allocate(dimension: d, stepSize: stepSize, extraVectors: Self.topVectors + vectors)
        var k = Self.firstFreeVector
        func next() -> UnsafeMutablePointer<Double> { defer { k += 1 }; return buffers[k] }
        current = PhasePoint(x: next(), p: next(), g: next())
        forward = PhasePoint(x: next(), p: next(), g: next())
        backward = PhasePoint(x: next(), p: next(), g: next())
        propose = PhasePoint(x: next(), p: next(), g: next())
        sampleMomentum = next()
        pFwdFwd = next(); pSharpFwdFwd = next(); pFwdBck = next(); pSharpFwdBck = next()
        pBckFwd = next(); pSharpBckFwd = next(); pBckBck = next(); pSharpBckBck = next()
        rho = next(); rhoFwd = next(); rhoBck = next(); rhoExtended = next()
        var levels: [Level] = []
        for _ in 0..<maxDepth {
            levels.append(Level(pInitEnd: next(), pSharpInitEnd: next(), rhoInit: next(), pFinalBeg: next(),
                                pSharpFinalBeg: next(), rhoFinal: next(), rhoSubtree: next(), rhoExtended: next(),
                                proposeFinal: PhasePoint(x: next(), p: next(), g: next())))
        }
        self.levels = levels
        try super.init(target: target, buffers: buffers, stepSize: stepSize, inverseMetric: inverseMetric)
    }

    public var nanProposals: Int { 0 }

    public func step(rng: RandomStream) -> Bool { advance(rng) }
    public func step(noise: ScriptedNoise) -> Bool { advance(noise) }

    @inline(__always)
    private func copy(_ from: UnsafePointer<Double>, to: UnsafeMutablePointer<Double>) { to.update(from: from, count: dimension) }

    @inline(__always)
    private func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>) -> Double {
        var s = 0.0
        for j in 0..<dimension { s += a[j] * b[j] }
        return s
    }

    @inline(__always)
    private func sum(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, into c: UnsafeMutablePointer<Double>) {
        for j in 0..<dimension { c[j] = a[j] + b[j] }
    }

    /// The trajectory has not turned: ρ·p♯ > 0 at both ends.
    @inline(__always)
    private func persists(_ pSharpMinus: UnsafePointer<Double>, _ pSharpPlus: UnsafePointer<Double>, _ rho: UnsafePointer<Double>) -> Bool {
        dot(pSharpPlus, rho) > 0 && dot(pSharpMinus, rho) > 0
    }

    /// Stan's U-turn criterion for a trajectory joined from a left and a right subtree (left first
    /// in the direction of integration): the joined span, and each subtree extended by the nearest
    /// point of the other, must all keep ρ·p♯ > 0 at both ends. Legend (Stan's `base_nuts`): ρ the
    /// sum of the momenta over a span, p♯ = M⁻¹p, `Beg`/`End` a span's first and last point.
    /// Writes ρ_left + ρ_right to `rho`; `rhoExtended` is scratch.
    @inline(__always)
    private func noUTurn(rhoLeft: UnsafePointer<Double>, pSharpLeftBeg: UnsafePointer<Double>, pSharpLeftEnd: UnsafePointer<Double>,
                         pLeftEnd: UnsafePointer<Double>, rhoRight: UnsafePointer<Double>, pSharpRightBeg: UnsafePointer<Double>,
                         pSharpRightEnd: UnsafePointer<Double>, pRightBeg: UnsafePointer<Double>,
                         rho: UnsafeMutablePointer<Double>, rhoExtended: UnsafeMutablePointer<Double>) -> Bool {
        sum(rhoLeft, rhoRight, into: rho)
        var persist = persists(pSharpLeftBeg, pSharpRightEnd, rho)
        sum(rhoLeft, pRightBeg, into: rhoExtended)
        persist = persist && persists(pSharpLeftBeg, pSharpRightBeg, rhoExtended)
        sum(rhoRight, pLeftEnd, into: rhoExtended)
        persist = persist && persists(pSharpLeftEnd, pSharpRightEnd, rhoExtended)
        return persist
    }

    /// Progressive sampling: a point of weight W_new replaces one of weight W_old with probability
    /// min(1, W_new/W_old) (a uniform is drawn only when that is below 1).
    @inline(__always)
    private func replaces<N: NoiseSource>(logWeight new: Double, over old: Double, noise: N) -> Bool {
        new > old || noise.uniform() < exp(new - old)
    }

    private func advance<N: NoiseSource>(_ noise: N) -> Bool {
        let d = dimension
        // The sample starts as the current point with a fresh momentum.
        var sample = PhasePoint(x: x, p: sampleMomentum, g: grad, logP: logP)
        metric.drawMomentum(sample.p, noise: noise)
        sample.copy(to: &forward, d); sample.copy(to: &backward, d)
        let h0 = hamiltonian(logP: sample.logP, p: sample.p, scratch: v)
        copy(sample.p, to: pFwdFwd); copy(sample.p, to: pFwdBck); copy(sample.p, to: pBckFwd); copy(sample.p, to: pBckBck)
        copy(sample.p, to: rho)
        copy(v, to: pSharpFwdFwd); copy(v, to: pSharpFwdBck); copy(v, to: pSharpBckFwd); copy(v, to: pSharpBckBck)
        var logSumWeight = 0.0   // the initial point has weight e^{H0 − H0}
        var depth = 0
        leapfrogs = 0; sumMetropolis = 0; divergent = false
        while depth < maxDepth {
            rhoFwd.update(repeating: 0, count: d); rhoBck.update(repeating: 0, count: d)
            var logSumWeightSubtree = -Double.infinity
            let valid: Bool
            if noise.uniform() > 0.5 {
                forward.copy(to: &current, d)
                // The old trajectory becomes the backward subtree: its forward end is the old forward end.
                copy(rho, to: rhoBck); copy(pFwdFwd, to: pBckFwd); copy(pSharpFwdFwd, to: pSharpBckFwd)
                valid = buildTree(depth, &propose, pSharpBeg: pSharpFwdBck, pSharpEnd: pSharpFwdFwd, rho: rhoFwd,
                                  pBeg: pFwdBck, pEnd: pFwdFwd, h0: h0, epsilon: stepSize, logSumWeight: &logSumWeightSubtree, noise: noise)
                current.copy(to: &forward, d)
            } else {
                backward.copy(to: &current, d)
                // The old trajectory becomes the forward subtree: its backward end is the old backward end.
                copy(rho, to: rhoFwd); copy(pBckBck, to: pFwdBck); copy(pSharpBckBck, to: pSharpFwdBck)
                valid = buildTree(depth, &propose, pSharpBeg: pSharpBckFwd, pSharpEnd: pSharpBckBck, rho: rhoBck,
                                  pBeg: pBckFwd, pEnd: pBckBck, h0: h0, epsilon: -stepSize, logSumWeight: &logSumWeightSubtree, noise: noise)
                current.copy(to: &backward, d)
            }
            if !valid { break }
            depth += 1
            // Biased progressive sampling: the new subtree against the whole old trajectory.
            if replaces(logWeight: logSumWeightSubtree, over: logSumWeight, noise: noise) { propose.copy(to: &sample, d) }
            logSumWeight = logAddExp(logSumWeight, logSumWeightSubtree)
            let persist = noUTurn(rhoLeft: rhoBck, pSharpLeftBeg: pSharpBckBck, pSharpLeftEnd: pSharpBckFwd, pLeftEnd: pBckFwd,
                                  rhoRight: rhoFwd, pSharpRightBeg: pSharpFwdBck, pSharpRightEnd: pSharpFwdFwd, pRightBeg: pFwdBck,
                                  rho: rho, rhoExtended: rhoExtended)
            if !persist { break }
        }
        logP = sample.logP   // x and grad are the sample's own storage
        var s = TransitionStatistics()
        s.acceptStatistic = leapfrogs > 0 ? sumMetropolis / Double(leapfrogs) : 0
        s.stepSize = stepSize
        s.treeDepth = depth
        s.leapfrogSteps = leapfrogs
        s.divergent = divergent
        s.energy = hamiltonian(logP: sample.logP, p: sample.p, scratch: v)
        lastTransition = s
        return true
    }

    /// Builds a subtree of 2^depth leapfrog steps from `current` in the direction of ε's sign.
    /// Returns false when it diverged or turned (its points are then not used).
    private func buildTree<N: NoiseSource>(_ depth: Int, _ proposal: inout PhasePoint,
                                           pSharpBeg: UnsafeMutablePointer<Double>, pSharpEnd: UnsafeMutablePointer<Double>,
                                           rho: UnsafeMutablePointer<Double>, pBeg: UnsafeMutablePointer<Double>,
                                           pEnd: UnsafeMutablePointer<Double>, h0: Double, epsilon: Double,
                                           logSumWeight: inout Double, noise: N) -> Bool {
        let d = dimension
        if depth == 0 {
            leapfrog(x: current.x, p: current.p, g: current.g, logP: &current.logP, epsilon: epsilon, scratch: v)
            leapfrogs += 1
            let h = hamiltonian(logP: current.logP, p: current.p, scratch: v)   // v = M⁻¹p = p♯
            if h - h0 > Self.divergenceThreshold { divergent = true }
            logSumWeight = logAddExp(logSumWeight, h0 - h)
            sumMetropolis += h0 - h > 0 ? 1 : exp(h0 - h)
            current.copy(to: &proposal, d)
            copy(v, to: pSharpBeg); copy(v, to: pSharpEnd)
            for j in 0..<d { rho[j] += current.p[j] }
            copy(current.p, to: pBeg); copy(current.p, to: pEnd)
            return !divergent
        }
        var level = levels[depth]
        // The first half.
        var logSumWeightInit = -Double.infinity
        level.rhoInit.update(repeating: 0, count: d)
        guard buildTree(depth - 1, &proposal, pSharpBeg: pSharpBeg, pSharpEnd: level.pSharpInitEnd, rho: level.rhoInit,
                        pBeg: pBeg, pEnd: level.pInitEnd, h0: h0, epsilon: epsilon, logSumWeight: &logSumWeightInit, noise: noise)
        else { return false }
        // The second half.
        var logSumWeightFinal = -Double.infinity
        level.rhoFinal.update(repeating: 0, count: d)
        guard buildTree(depth - 1, &level.proposeFinal, pSharpBeg: level.pSharpFinalBeg, pSharpEnd: pSharpEnd, rho: level.rhoFinal,
                        pBeg: level.pFinalBeg, pEnd: pEnd, h0: h0, epsilon: epsilon, logSumWeight: &logSumWeightFinal, noise: noise)
        else { return false }
        // Multinomial choice between the halves.
        let logSumWeightSubtree = logAddExp(logSumWeightInit, logSumWeightFinal)
        logSumWeight = logAddExp(logSumWeight, logSumWeightSubtree)
        if replaces(logWeight: logSumWeightFinal, over: logSumWeightSubtree, noise: noise) { level.proposeFinal.copy(to: &proposal, d) }
        let persist = noUTurn(rhoLeft: level.rhoInit, pSharpLeftBeg: pSharpBeg, pSharpLeftEnd: level.pSharpInitEnd, pLeftEnd: level.pInitEnd,
                              rhoRight: level.rhoFinal, pSharpRightBeg: level.pSharpFinalBeg, pSharpRightEnd: pSharpEnd,
                              pRightBeg: level.pFinalBeg, rho: level.rhoSubtree, rhoExtended: level.rhoExtended)
        for j in 0..<d { rho[j] += level.rhoSubtree[j] }
        return persist
    }
}
