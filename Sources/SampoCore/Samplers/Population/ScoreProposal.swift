import Foundation

/// The importance proposal of rdMC's score estimate at time s for a particle at x, where
/// q_s(x₀|x) ∝ π̃(x₀)·φ(x₀) with φ = N(x/a, (σ²/a²)I).
/// - `plain`: φ itself (Huang et al.). In d ≳ 5 its importance weights collapse at moderate s (one
///   sample carries all the weight), and the resulting score noise inflates the output's variance.
/// - `adaptive`: the defensive mixture (1 − ε)·G + ε·φ, where G ∝ φ·N(μ̂, Ĉ) and N(μ̂, Ĉ) is a
///   Gaussian fitted to the target from the previous outer step: one inner draw per particle,
///   resampled by its weights, pooled over particles (∫ q_s(·|x) p_s(x) dx = π, so the pool
///   approximates π). The first sweep uses φ. Ĉ is full for d ≤ 32 and diagonal above (the full
///   proposal costs d² per inner sample). Weights π̃φ/r stay bounded by π̃/ε.
final class ScoreProposal {
    enum Kind: String, Sendable { case plain, adaptive }

    let d: Int
    let kind: Kind
    let full: Bool
    /// Weight of φ in the defensive mixture.
    let defensive = 0.1
    private(set) var fitted = false
    /// Eigenvalues λ and eigenvectors V (row-major, column k) of Ĉ; V = I when diagonal.
    private var lambda: [Double]
    private var vectors: [Double]
    /// μ̂ in the eigenbasis (Vᵀμ̂).
    private var meanRotated: [Double]
    /// One resampled inner draw per particle of the current sweep (row-major), for the next fit.
    private var pool: [Double]
    private var pooled = 0

    /// The fit and the pool of the sweep under way, for checkpoints between outer steps.
    func write(to w: inout CheckpointWriter) {
        w.section("score proposal")
        w.write(fitted); w.write(lambda); w.write(vectors); w.write(meanRotated); w.write(pool); w.write(pooled)
    }

    func read(from r: inout CheckpointReader) throws(SampoError) {
        try r.section("score proposal")
        fitted = try r.readBool()
        lambda = try r.readDoubles(count: lambda.count, "proposal eigenvalues")
        vectors = try r.readDoubles(count: vectors.count, "proposal eigenvectors")
        meanRotated = try r.readDoubles(count: meanRotated.count, "proposal mean")
        pool = try r.readDoubles(count: pool.count, "proposal pool")
        pooled = try r.readInt()
    }

    init(d: Int, particles: Int, kind: Kind) {
        self.d = d; self.kind = kind; full = d <= 32
        lambda = [Double](repeating: 1, count: d)
        vectors = [Double](repeating: 0, count: d * d)
        for i in 0..<d { vectors[i * d + i] = 1 }
        meanRotated = [Double](repeating: 0, count: d)
        pool = [Double](repeating: 0, count: kind == .adaptive ? particles * d : 0)
    }

    /// Draws `count` inner samples for the particle at x (time s: a = e^{−s}, s2 = σ² = 1 − a²) into
    /// z (row-major) and writes log(φ/r) for each into logRatio; u, c are d-long scratch.
    func draw(count: Int, x: UnsafePointer<Double>, a: Double, s2: Double, noise: RandomStream,
              z: UnsafeMutablePointer<Double>, logRatio: UnsafeMutablePointer<Double>,
              u: UnsafeMutablePointer<Double>, c: UnsafeMutablePointer<Double>) {
        let sd = s2.squareRoot() / a
        guard kind == .adaptive, fitted else {
            for i in 0..<count {
                for j in 0..<d { z[i * d + j] = x[j] / a + sd * noise.normal() }
                logRatio[i] = 0
            }
            return
        }
        let kappa = a * a / s2
        // φ's centre in the eigenbasis.
        if full {
            for k in 0..<d {
                var s = 0.0
                for j in 0..<d { s += vectors[j * d + k] * x[j] }
                c[k] = s / a
            }
        } else {
            for k in 0..<d { c[k] = x[k] / a }
        }
        var logDetG = 0.0
        for k in 0..<d { logDetG += log(1 / lambda[k] + kappa) }
        let logPhiNorm = 0.5 * Double(d) * log(kappa), logEps = log(defensive), logRest = log1p(-defensive)
        for i in 0..<count {
            let fromPhi = noise.uniform() < defensive
            var quadPhi = 0.0, quadG = 0.0
            for k in 0..<d {
                let prec = 1 / lambda[k] + kappa
                let m = (meanRotated[k] / lambda[k] + kappa * c[k]) / prec
                let value = fromPhi ? c[k] + sd * noise.normal() : m + noise.normal() / prec.squareRoot()
                u[k] = value
                quadPhi += kappa * (value - c[k]) * (value - c[k])
                quadG += prec * (value - m) * (value - m)
            }
            let logPhi = logPhiNorm - 0.5 * quadPhi, logG = 0.5 * logDetG - 0.5 * quadG
            logRatio[i] = logPhi - logAddExp(logRest + logG, logEps + logPhi)
            let zi = z + i * d
            if full {
                for j in 0..<d {
                    var s = 0.0
                    for k in 0..<d { s += vectors[j * d + k] * u[k] }
                    zi[j] = s
                }
            } else {
                for j in 0..<d { zi[j] = u[j] }
            }
        }
    }

    /// Adds one inner draw of the current sweep to the pool.
    func pool(_ draw: UnsafePointer<Double>) {
        guard kind == .adaptive, pooled * d < pool.count else { return }
        for j in 0..<d { pool[pooled * d + j] = draw[j] }
        pooled += 1
    }

    /// Refits N(μ̂, Ĉ) to the pool of the sweep just finished and empties it. A pool that is too
    /// small or not finite keeps the previous fit.
    func refit() {
        defer { pooled = 0 }
        guard kind == .adaptive, pooled > d + 1 else { return }
        let n = Double(pooled)
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<pooled { for j in 0..<d { mean[j] += pool[i * d + j] / n } }
        var cov = [Double](repeating: 0, count: d * d)
        for i in 0..<pooled {
            for r in 0..<d {
                let dr = pool[i * d + r] - mean[r]
                if full {
                    for q in 0...r { cov[r * d + q] += dr * (pool[i * d + q] - mean[q]) / (n - 1) }
                } else {
                    cov[r * d + r] += dr * dr / (n - 1)
                }
            }
        }
        guard mean.allSatisfy(\.isFinite), cov.allSatisfy(\.isFinite) else { return }
        if full {
            for r in 0..<d { for q in 0..<r { cov[q * d + r] = cov[r * d + q] } }
            let (values, vecs) = SymmetricEigen.decompose(cov, dimension: d)
            vectors = vecs
            lambda = values
        } else {
            for k in 0..<d { lambda[k] = cov[k * d + k] }
        }
        // Floor the spectrum: a degenerate pool must not give a singular proposal.
        let top = lambda.max() ?? 1
        guard top > 0, top.isFinite else { return }
        for k in 0..<d { lambda[k] = max(lambda[k], 1e-10 * top) }
        for k in 0..<d {
            if full {
                var s = 0.0
                for j in 0..<d { s += vectors[j * d + k] * mean[j] }
                meanRotated[k] = s
            } else {
                meanRotated[k] = mean[k]
            }
        }
        fitted = true
    }
}
