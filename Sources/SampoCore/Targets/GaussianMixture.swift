import Foundation

/// π(x) = Σ_k w_k N(x; μ_k, Σ_k), evaluated with log-sum-exp so it never underflows far from
/// the modes. Σ_k may be full, diagonal or isotropic; precisions and Cholesky factors are
/// computed once at construction and kept in flat storage for allocation-free evaluation.
public final class GaussianMixture: LogDensity, ExactSampler, HasKnownMoments, MixtureModes, HasSmoothnessConstant, @unchecked Sendable {
    /// How the component covariances are given.
    public enum Covariances: Sendable, Equatable {
        /// One d × d matrix per component (row-major nested arrays).
        case full([[[Double]]])
        /// One vector of d variances per component.
        case diagonal([[Double]])
        /// One variance per component (Σ_k = v_k I).
        case isotropic([Double])
    }

    private enum Shape { case full, diagonal, isotropic }

    public let dimension: Int
    public let componentCount: Int
    public let weights: [Double]
    public let means: [[Double]]
    public let knownMoments: KnownMoments
    /// The largest eigenvalue of any component's precision Σ_k⁻¹: exact L for one Gaussian, the
    /// within-mode stiffness for a mixture.
    public let smoothnessConstant: Double

    private let shape: Shape
    // Flat read-only storage (freed in deinit). Shared by all threads; never written after init.
    private let mu: UnsafeMutablePointer<Double>        // K·d means
    private let precision: UnsafeMutablePointer<Double> // full: K·d·d; diagonal: K·d; isotropic: K
    private let factor: UnsafeMutablePointer<Double>    // full: K·d·d lower Cholesky; diagonal: K·d sd; isotropic: K sd
    private let logConstant: UnsafeMutablePointer<Double> // K: log w_k − ½ log det(2πΣ_k)
    private let cumulativeWeights: UnsafeMutablePointer<Double> // K

    /// Positive finite weights scaled to sum to 1, dividing by the largest first so that a sum
    /// beyond the largest double (weights near 1e308) still normalises.
    package static func normalised(_ weights: [Double]) -> [Double] {
        let top = weights.max() ?? 1
        let scaled = weights.map { $0 / top }
        let total = scaled.reduce(0, +)
        return scaled.map { $0 / total }
    }

    /// Builds a validated mixture. Weights must be positive and finite; they are normalised to
    /// sum to 1. Errors name the offending field (`weights[2]`, `covariances[3]`, …).
    public init(weights rawWeights: [Double], means: [[Double]], covariances: Covariances) throws(SampoError) {
        let k = rawWeights.count
        guard k > 0 else { throw .invalid(.argument("weights"), "expected at least one component") }
        guard means.count == k else {
            throw .invalid(.argument("means"), "expected \(k) means (one per weight), found \(means.count)")
        }
        let d = means[0].count
        guard d > 0 else { throw .invalid(.argument("means", at: [1]), "expected at least one coordinate") }
        for (i, w) in rawWeights.enumerated() {
            guard w.isFinite else { throw .invalid(.argument("weights", at: [i + 1]), "expected a finite number, found \(w)") }
            guard w > 0 else { throw .invalid(.argument("weights", at: [i + 1]), "expected a positive weight, found \(w)") }
        }
        for (i, m) in means.enumerated() {
            guard m.count == d else {
                throw .invalid(.argument("means", at: [i + 1]), "expected \(d) coordinates (the dimension), found \(m.count)")
            }
            if let bad = m.firstIndex(where: { !$0.isFinite }) {
                throw .invalid(.argument("means", at: [i + 1, bad + 1]), "expected a finite number, found \(m[bad])")
            }
        }
        let w = Self.normalised(rawWeights)

        var precisionFlat: [Double] = []
        var factorFlat: [Double] = []
        var logDets: [Double] = []
        // For exact moments: row-major d×d (full), or the diagonal alone (diagonal, isotropic), so a
        // diagonal mixture in high dimension never forms a d × d matrix.
        var componentCovariances: [[Double]] = []
        let shape: Shape
        switch covariances {
        case .full(let mats):
            shape = .full
            guard mats.count == k else {
                throw .invalid(.argument("covariances"), "expected \(k) matrices (one per weight), found \(mats.count)")
            }
            for (i, m) in mats.enumerated() {
                let field = SampoError.Setting.argument("covariances", at: [i + 1])
                guard m.count == d, m.allSatisfy({ $0.count == d }) else {
                    throw .invalid(field, "expected a \(d) × \(d) matrix")
                }
                let flat = m.flatMap { $0 }
                let l: [Double]
                do { l = try Cholesky.factor(flat, dimension: d) } catch {
                    switch error {
                    case .notSymmetric(let r, let c):
                        throw .invalid(field, "not symmetric (entries (\(r),\(c)) and (\(c),\(r)) differ)")
                    case .notFinite: throw .invalid(field, "expected finite numbers")
                    case .notPositiveDefinite, .notSquare:
                        throw .invalid(field, "covariance is not positive definite")
                    }
                }
                precisionFlat += Cholesky.inverse(fromFactor: l, dimension: d)
                factorFlat += l
                logDets.append(Cholesky.logDeterminant(fromFactor: l, dimension: d))
                componentCovariances.append(flat)
            }
        case .diagonal(let diags):
            shape = .diagonal
            guard diags.count == k else {
                throw .invalid(.argument("covariances"), "expected \(k) vectors (one per weight), found \(diags.count)")
            }
            for (i, v) in diags.enumerated() {
                guard v.count == d else {
                    throw .invalid(.argument("covariances", at: [i + 1]), "expected \(d) variances, found \(v.count)")
                }
                if let bad = v.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
                    throw .invalid(.argument("covariances", at: [i + 1, bad + 1]), "expected a positive finite variance, found \(v[bad])")
                }
                precisionFlat += v.map { 1 / $0 }
                factorFlat += v.map { $0.squareRoot() }
                logDets.append(v.reduce(0) { $0 + log($1) })
                componentCovariances.append(v)
            }
        case .isotropic(let vars):
            shape = .isotropic
            guard vars.count == k else {
                throw .invalid(.argument("covariances"), "expected \(k) variances (one per weight), found \(vars.count)")
            }
            for (i, v) in vars.enumerated() {
                guard v.isFinite, v > 0 else {
                    throw .invalid(.argument("covariances", at: [i + 1]), "expected a positive finite variance, found \(v)")
                }
                precisionFlat.append(1 / v)
                factorFlat.append(v.squareRoot())
                logDets.append(Double(d) * log(v))
                componentCovariances.append([Double](repeating: v, count: d))
            }
        }

        self.dimension = d
        self.componentCount = k
        self.weights = w
        self.means = means
        self.shape = shape
        mu = .allocate(capacity: k * d)
        mu.initialize(from: means.flatMap { $0 }, count: k * d)
        precision = .allocate(capacity: precisionFlat.count)
        precision.initialize(from: precisionFlat, count: precisionFlat.count)
        factor = .allocate(capacity: factorFlat.count)
        factor.initialize(from: factorFlat, count: factorFlat.count)
        logConstant = .allocate(capacity: k)
        cumulativeWeights = .allocate(capacity: k)
        var acc = 0.0
        for i in 0..<k {
            logConstant[i] = log(w[i]) - 0.5 * (Double(d) * log(2 * Double.pi) + logDets[i])
            acc += w[i]
            cumulativeWeights[i] = i == k - 1 ? 1.0 : acc
        }

        // Exact moments: mean Σ w μ; covariance Σ w (Σ_k + μ μᵀ) − mean meanᵀ.
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<k { for j in 0..<d { mean[j] += w[i] * means[i][j] } }
        // The dense covariance only up to KnownMoments.maximumCovarianceDimension (left out above it).
        var cov: [Double]?
        if d <= KnownMoments.maximumCovarianceDimension {
            var c = [Double](repeating: 0, count: d * d)
            for i in 0..<k {
                let diagonalOnly = componentCovariances[i].count == d
                for a in 0..<d { for b in 0..<d {
                    let sigma = diagonalOnly ? (a == b ? componentCovariances[i][a] : 0) : componentCovariances[i][a * d + b]
                    c[a * d + b] += w[i] * (sigma + means[i][a] * means[i][b])
                } }
            }
            for a in 0..<d { for b in 0..<d { c[a * d + b] -= mean[a] * mean[b] } }
            cov = c
        }
        knownMoments = KnownMoments(mean: mean, covariance: cov, logNormalizer: 0)
        var stiffest = 0.0
        for i in 0..<k {
            switch shape {
            case .isotropic: stiffest = max(stiffest, precisionFlat[i])
            case .diagonal: stiffest = max(stiffest, precisionFlat[(i * d)..<((i + 1) * d)].max() ?? 0)
            case .full: stiffest = max(stiffest, Self.largestEigenvalue(Array(precisionFlat[(i * d * d)..<((i + 1) * d * d)]), d))
            }
        }
        smoothnessConstant = stiffest
    }

    /// Largest eigenvalue of a symmetric matrix.
    static func largestEigenvalue(_ m: [Double], _ d: Int) -> Double { SymmetricEigen.largestEigenvalue(m, dimension: d) }

    deinit {
        mu.deallocate(); precision.deallocate(); factor.deallocate()
        logConstant.deallocate(); cumulativeWeights.deallocate()
    }

    // MARK: evaluation

    /// l_k(x) = log w_k − ½ log det(2πΣ_k) − ½ (x−μ_k)ᵀ Σ_k⁻¹ (x−μ_k); if `s` is given, also
    /// writes Σ_k⁻¹(μ_k − x) there (the component's gradient).
    @inline(__always)
    private func componentLog(_ k: Int, _ x: UnsafePointer<Double>, _ s: UnsafeMutablePointer<Double>?) -> Double {
        let d = dimension
        let m = mu + k * d
        var q = 0.0
        switch shape {
        case .isotropic:
            let p = precision[k]
            for j in 0..<d {
                let dj = x[j] - m[j]
                q += dj * dj
                s?[j] = -p * dj
            }
            q *= p
        case .diagonal:
            let p = precision + k * d
            for j in 0..<d {
                let dj = x[j] - m[j]
                let sj = p[j] * dj
                q += dj * sj
                s?[j] = -sj
            }
        case .full:
            let p = precision + k * d * d
            for i in 0..<d {
                let row = p + i * d
                var si = 0.0
                for j in 0..<d { si += row[j] * (x[j] - m[j]) }
                q += (x[i] - m[i]) * si
                s?[i] = -si
            }
        }
        return logConstant[k] - 0.5 * q
    }

    public func logDensity(at x: UnsafePointer<Double>) -> Double {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: componentCount) { buf in
            let l = buf.baseAddress!
            var maxL = -Double.infinity
            for k in 0..<componentCount {
                l[k] = componentLog(k, x, nil)
                if l[k] > maxL { maxL = l[k] }
            }
            guard maxL.isFinite else { return maxL.isNaN ? .nan : (maxL > 0 ? maxL : -.infinity) }
            var sum = 0.0
            for k in 0..<componentCount { sum += exp(l[k] - maxL) }
            return maxL + log(sum)
        }
    }

    public func logDensityAndGradient(at x: UnsafePointer<Double>, gradient g: UnsafeMutablePointer<Double>) -> Double {
        switch shape {
        case .isotropic, .diagonal: return separableGradient(x, g)
        case .full where dimension == 2: return planarGradient(x, g)
        case .full: return fullGradient(x, g)
        }
    }

    /// Online log-sum-exp: components are folded in one at a time into (max, Σ e^{l−max},
    /// Σ e^{l−max} r), rescaling when a larger l appears, so no per-component storage is needed.
    @inline(__always)
    private static func fold(_ l: Double, _ maxL: inout Double, _ sum: inout Double) -> (weight: Double, rescale: Double) {
        if l > maxL {
            let rescale = maxL == -.infinity ? 0 : exp(maxL - l)
            maxL = l
            sum = sum * rescale + 1
            return (1, rescale)
        }
        let w = exp(l - maxL)
        sum += w
        return (w, 1)
    }

    /// Isotropic and diagonal components: r_k = −P_k(x − μ_k) is recomputed coordinate by coordinate.
    private func separableGradient(_ x: UnsafePointer<Double>, _ g: UnsafeMutablePointer<Double>) -> Double {
        let d = dimension
        var maxL = -Double.infinity, sum = 0.0
        for j in 0..<d { g[j] = 0 }
        for k in 0..<componentCount {
            let m = mu + k &* d
            var q = 0.0
            let l: Double
            if shape == .isotropic {
                for j in 0..<d { let dj = x[j] - m[j]; q += dj * dj }
                l = logConstant[k] - 0.5 * precision[k] * q
            } else {
                let p = precision + k &* d
                for j in 0..<d { let dj = x[j] - m[j]; q += dj * dj * p[j] }
                l = logConstant[k] - 0.5 * q
            }
            guard !l.isNaN else { return nanGradient(g) }
            guard l > -.infinity else { continue }
            let (w, rescale) = Self.fold(l, &maxL, &sum)
            if rescale != 1 { for j in 0..<d { g[j] *= rescale } }
            if shape == .isotropic {
                let c = w * precision[k]
                for j in 0..<d { g[j] -= c * (x[j] - m[j]) }
            } else {
                let p = precision + k &* d
                for j in 0..<d { g[j] -= w * p[j] * (x[j] - m[j]) }
            }
        }
        return finish(maxL, sum, g)
    }

    /// Full 2 × 2 covariances, written out (the common case of 2-D benchmark targets).
    private func planarGradient(_ x: UnsafePointer<Double>, _ g: UnsafeMutablePointer<Double>) -> Double {
        // Two passes, as the C baseline does: the component terms (and the maximum, branch-free)
        // first, then one exp each; the exps do not wait on each other or on a running maximum.
        let count = componentCount
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 &* count) { buf in
            let l = buf.baseAddress!, s0 = l + count, s1 = s0 + count
            let x0 = x[0], x1 = x[1]
            var maxL = -Double.infinity, anyNaN = false
            for k in 0..<count {
                let m = mu + k &* 2, p = precision + k &* 4
                let d0 = x0 - m[0], d1 = x1 - m[1]
                let a = p[0] * d0 + p[1] * d1, b = p[2] * d0 + p[3] * d1
                let lk = logConstant[k] - 0.5 * (d0 * a + d1 * b)
                anyNaN = anyNaN || lk.isNaN
                l[k] = lk; s0[k] = a; s1[k] = b
                maxL = Swift.max(maxL, lk)
            }
            guard !anyNaN else { return nanGradient(g) }
            guard maxL > -.infinity else { return finish(maxL, 0, g) }
            var sum = 0.0, g0 = 0.0, g1 = 0.0
            for k in 0..<count {
                let w = exp(l[k] - maxL)
                sum += w
                g0 -= w * s0[k]
                g1 -= w * s1[k]
            }
            g[0] = g0; g[1] = g1
            return finish(maxL, sum, g)
        }
    }

    /// General full covariances: r_k = −Σ_k⁻¹(x − μ_k) is kept per component in stack scratch.
    private func fullGradient(_ x: UnsafePointer<Double>, _ g: UnsafeMutablePointer<Double>) -> Double {
        let d = dimension
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: d) { buf in
            let r = buf.baseAddress!
            var maxL = -Double.infinity, sum = 0.0
            for j in 0..<d { g[j] = 0 }
            for k in 0..<componentCount {
                let m = mu + k &* d, p = precision + k &* d &* d
                var q = 0.0
                for i in 0..<d {
                    let row = p + i &* d
                    var si = 0.0
                    for j in 0..<d { si += row[j] * (x[j] - m[j]) }
                    q += (x[i] - m[i]) * si
                    r[i] = -si
                }
                let l = logConstant[k] - 0.5 * q
                guard !l.isNaN else { return nanGradient(g) }
                guard l > -.infinity else { continue }
                let (w, rescale) = Self.fold(l, &maxL, &sum)
                for j in 0..<d { g[j] = g[j] * rescale + w * r[j] }
            }
            return finish(maxL, sum, g)
        }
    }

    @inline(__always)
    private func nanGradient(_ g: UnsafeMutablePointer<Double>) -> Double {
        for j in 0..<dimension { g[j] = .nan }
        return .nan
    }

    /// log π = max + log Σ, and the gradient normalised by Σ (NaN gradient when every component vanished).
    @inline(__always)
    private func finish(_ maxL: Double, _ sum: Double, _ g: UnsafeMutablePointer<Double>) -> Double {
        guard maxL > -.infinity else {
            for j in 0..<dimension { g[j] = .nan }
            return -.infinity
        }
        let inv = 1 / sum
        for j in 0..<dimension { g[j] *= inv }
        return maxL + log(sum)
    }

    // MARK: exact draws

    public func drawExact(into x: UnsafeMutablePointer<Double>, rng: RandomStream) {
        let d = dimension
        let k = rng.categorical(UnsafeBufferPointer(start: cumulativeWeights, count: componentCount))
        let m = mu + k * d
        switch shape {
        case .isotropic:
            let sd = factor[k]
            for j in 0..<d { x[j] = m[j] + sd * rng.normal() }
        case .diagonal:
            let sd = factor + k * d
            for j in 0..<d { x[j] = m[j] + sd[j] * rng.normal() }
        case .full:
            withUnsafeTemporaryAllocation(of: Double.self, capacity: d) { z in
                for j in 0..<d { z[j] = rng.normal() }
                let l = factor + k * d * d
                for i in 0..<d {
                    var s = m[i]
                    for j in 0...i { s += l[i * d + j] * z[j] }
                    x[i] = s
                }
            }
        }
    }

    /// The component with the largest responsibility at x (for mode-occupancy statistics).
    public func mostResponsibleComponent(at x: UnsafePointer<Double>) -> Int {
        var best = 0
        var bestL = -Double.infinity
        for k in 0..<componentCount {
            let lk = componentLog(k, x, nil)
            if lk > bestL { bestL = lk; best = k }
        }
        return best
    }
}
