import Foundation

/// π(x) = Σ_k w_k Π_j (α_k/2) exp(−α_k |x_j − μ_kj|): product-Laplace components with rate α_k
/// (scale 1/α_k, variance 2/α_k² per coordinate). The potential has kinks; `logDensityAndGradient`
/// returns the true log density and its gradient where it exists (sign(0) = 0 at a kink), and the
/// per-component Moreau envelope of Lau–Liu–Pock is available through `MoreauSmoothable`.
public final class LaplaceMixture: LogDensity, ExactSampler, HasKnownMoments, MixtureModes, MoreauSmoothable, @unchecked Sendable {
    public let dimension: Int
    public let weights: [Double]
    public let locations: [[Double]]
    public let rates: [Double]
    public let knownMoments: KnownMoments
    private let mu: [Double]           // K·d
    private let logConstant: [Double]  // log w_k + d log(α_k/2)
    private let cumulative: [Double]

    public init(weights rawWeights: [Double], locations: [[Double]], rates: [Double]) throws(SampoError) {
        let k = rawWeights.count
        guard k > 0 else { throw .invalid(.argument("weights"), "expected at least one component") }
        for (i, w) in rawWeights.enumerated() where !(w.isFinite && w > 0) {
            throw .invalid(.argument("weights", at: [i + 1]), "expected a positive finite weight, found \(w)")
        }
        guard locations.count == k else {
            throw .invalid(.argument("locations"), "expected \(k) locations (one per weight), found \(locations.count)")
        }
        guard rates.count == k else { throw .invalid(.argument("rates"), "expected \(k) rates (one per weight), found \(rates.count)") }
        let d = locations[0].count
        guard d > 0 else { throw .invalid(.argument("locations", at: [1]), "expected at least one coordinate") }
        for (i, m) in locations.enumerated() {
            guard m.count == d else {
                throw .invalid(.argument("locations", at: [i + 1]), "expected \(d) coordinates (the dimension), found \(m.count)")
            }
            if let bad = m.firstIndex(where: { !$0.isFinite }) {
                throw .invalid(.argument("locations", at: [i + 1, bad + 1]), "expected a finite number, found \(m[bad])")
            }
        }
        for (i, a) in rates.enumerated() where !(a.isFinite && a > 0) {
            throw .invalid(.argument("rates", at: [i + 1]), "expected a positive finite rate, found \(a)")
        }
        let w = GaussianMixture.normalised(rawWeights)
        dimension = d
        weights = w
        self.locations = locations
        self.rates = rates
        mu = locations.flatMap { $0 }
        logConstant = (0..<k).map { log(w[$0]) + Double(d) * log(rates[$0] / 2) }
        var acc = 0.0
        cumulative = (0..<k).map { acc += w[$0]; return $0 == k - 1 ? 1 : acc }
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<k { for j in 0..<d { mean[j] += w[i] * locations[i][j] } }
        var cov = [Double](repeating: 0, count: d * d)
        for i in 0..<k {
            for a in 0..<d { for b in 0..<d {
                cov[a * d + b] += w[i] * ((a == b ? 2 / (rates[i] * rates[i]) : 0) + locations[i][a] * locations[i][b])
            } }
        }
        for a in 0..<d { for b in 0..<d { cov[a * d + b] -= mean[a] * mean[b] } }
        knownMoments = KnownMoments(mean: mean, covariance: cov, logNormalizer: 0)
    }

    /// log-sum-exp of per-component terms `term(k)`; also returns the responsibilities via `each`.
    @inline(__always)
    private func logSumExp(_ terms: UnsafeMutablePointer<Double>, _ k: Int) -> (Double, Double) {
        var m = -Double.infinity
        for i in 0..<k where terms[i] > m { m = terms[i] }
        guard m.isFinite else { return (m, 0) }
        var s = 0.0
        for i in 0..<k { s += exp(terms[i] - m) }
        return (m, s)
    }

    public func logDensity(at x: UnsafePointer<Double>) -> Double {
        let k = weights.count, d = dimension
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: k) { buf in
            let l = buf.baseAddress!
            for i in 0..<k {
                var s = 0.0
                for j in 0..<d { s += abs(x[j] - mu[i * d + j]) }
                l[i] = logConstant[i] - rates[i] * s
            }
            let (m, s) = logSumExp(l, k)
            return m.isFinite ? m + log(s) : (m.isNaN ? .nan : -.infinity)
        }
    }

    public func logDensityAndGradient(at x: UnsafePointer<Double>, gradient g: UnsafeMutablePointer<Double>) -> Double {
        componentwise(x, g) { i, j, u in
            (self.rates[i] * abs(u), -self.rates[i] * (u > 0 ? 1 : (u < 0 ? -1 : 0)))
        }
    }

    /// Per-component envelope: M_λ g_k(x) = Σ_j huber(x_j − μ_kj) with huber(u) = u²/(2λ) for
    /// |u| ≤ λα_k, else α_k|u| − λα_k²/2; ∇U_λ = Σ_k ρ_k (x − prox_{λg_k}(x))/λ.
    public func smoothedLogDensityAndGradient(at x: UnsafePointer<Double>, lambda: Double,
                                              gradient g: UnsafeMutablePointer<Double>) -> Double {
        componentwise(x, g) { i, j, u in
            let a = self.rates[i], t = lambda * a
            if abs(u) <= t { return (u * u / (2 * lambda), -u / lambda) }
            return (a * abs(u) - lambda * a * a / 2, -a * (u > 0 ? 1 : -1))
        }
    }

    /// Shared log-sum-exp over components whose potential is a sum over coordinates:
    /// `piece(k, j, u)` gives (potential term, d log-term/dx_j) for u = x_j − μ_kj.
    @inline(__always)
    private func componentwise(_ x: UnsafePointer<Double>, _ g: UnsafeMutablePointer<Double>,
                               _ piece: (Int, Int, Double) -> (Double, Double)) -> Double {
        let k = weights.count, d = dimension
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: k * (d + 1)) { buf in
            let l = buf.baseAddress!, r = l + k
            for i in 0..<k {
                var s = 0.0
                for j in 0..<d {
                    let (v, dv) = piece(i, j, x[j] - mu[i * d + j])
                    s += v
                    r[i * d + j] = dv
                }
                l[i] = logConstant[i] - s
            }
            let (m, s) = logSumExp(l, k)
            guard m.isFinite else {
                for j in 0..<d { g[j] = .nan }
                return m.isNaN ? .nan : -.infinity
            }
            for j in 0..<d { g[j] = 0 }
            for i in 0..<k {
                let w = exp(l[i] - m) / s
                for j in 0..<d { g[j] += w * r[i * d + j] }
            }
            return m + log(s)
        }
    }

    public func drawExact(into x: UnsafeMutablePointer<Double>, rng: RandomStream) {
        let k = cumulative.withUnsafeBufferPointer { rng.categorical($0) }
        for j in 0..<dimension { x[j] = mu[k * dimension + j] + rng.laplace(scale: 1 / rates[k]) }
    }

    /// Component with the largest responsibility at x.
    public func mostResponsibleComponent(at x: UnsafePointer<Double>) -> Int {
        var best = 0, bestL = -Double.infinity
        for i in 0..<weights.count {
            var s = 0.0
            for j in 0..<dimension { s += abs(x[j] - mu[i * dimension + j]) }
            let l = logConstant[i] - rates[i] * s
            if l > bestL { bestL = l; best = i }
        }
        return best
    }
}
