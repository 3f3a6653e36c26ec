/// The inverse metric in the form the integrator uses: M⁻¹p for the drift and kinetic energy,
/// and momenta drawn from N(0, M) through the Cholesky factor L of M⁻¹ (p = L⁻ᵀξ has covariance
/// L⁻ᵀL⁻¹ = M); a low-rank metric with its factors in O(d·k). Nothing here allocates after `set`.
public final class MetricBuffers {
    public let dimension: Int
    public private(set) var metric: InverseMetric = .unit
    /// diag: the variances and their inverse square roots; dense: M⁻¹ and its lower factor.
    private var diagonal: [Double], inverseRoot: [Double]
    private var matrix: [Double] = [], factor: [Double] = []
    /// low rank: σ in `diagonal`, 1/σ in `inverseRoot`, the k × d vectors, λ − 1, λ^{-1/2} − 1, and k scratch numbers.
    private var vectors: [Double] = [], stretch: [Double] = [], noiseStretch: [Double] = [], projection: [Double] = []
    private var rank = 0

    public init(dimension d: Int) {
        dimension = d
        diagonal = [Double](repeating: 1, count: d)
        inverseRoot = diagonal
    }

    /// Installs a new inverse metric after checking it.
    public func set(_ m: InverseMetric) throws(SampoError) {
        let d = dimension
        switch m {
        case .unit:
            for j in 0..<d { diagonal[j] = 1; inverseRoot[j] = 1 }
        case .diagonal(let v):
            guard v.count == d, v.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                throw .invalid(.samplerParameter("metric"), "expected \(d) positive finite variances for the diagonal inverse metric")
            }
            for j in 0..<d { diagonal[j] = v[j]; inverseRoot[j] = 1 / v[j].squareRoot() }
        case .dense(let a):
            guard let l = try? Cholesky.factor(a, dimension: d) else {
                throw .invalid(.samplerParameter("metric"), "the dense inverse metric (\(d) × \(d)) is not symmetric positive definite")
            }
            matrix = a; factor = l
        case .lowRank(let lr):
            guard lr.dimension == d else {
                throw .invalid(.samplerParameter("metric"), "expected a low-rank metric of dimension \(d), got \(lr.dimension)")
            }
            for j in 0..<d { diagonal[j] = lr.scales[j]; inverseRoot[j] = 1 / lr.scales[j] }
            vectors = lr.vectors
            stretch = lr.eigenvalues.map { $0 - 1 }
            noiseStretch = lr.eigenvalues.map { 1 / $0.squareRoot() - 1 }
            projection = [Double](repeating: 0, count: lr.rank)
            rank = lr.rank
        }
        metric = m
    }

    /// v = M⁻¹p.
    @inline(__always)
    public func apply(_ p: UnsafePointer<Double>, into v: UnsafeMutablePointer<Double>) {
        let d = dimension
        if case .lowRank = metric {
            // v = σ ⊙ (u + Σ (λᵢ − 1)(uᵢ·u) uᵢ) with u = σ ⊙ p.
            diagonal.withUnsafeBufferPointer { s in for j in 0..<d { v[j] = s[j] * p[j] } }
            correct(v, by: stretch)
            diagonal.withUnsafeBufferPointer { s in for j in 0..<d { v[j] *= s[j] } }
        } else if case .dense = metric {
            matrix.withUnsafeBufferPointer { a in
                for i in 0..<d {
                    var s = 0.0
                    for j in 0..<d { s += a[i * d + j] * p[j] }
                    v[i] = s
                }
            }
        } else {
            diagonal.withUnsafeBufferPointer { m in for j in 0..<d { v[j] = m[j] * p[j] } }
        }
    }

    /// u ← u + Σ cᵢ (uᵢ·u) uᵢ, O(d·k).
    @inline(__always)
    private func correct(_ u: UnsafeMutablePointer<Double>, by c: [Double]) {
        let d = dimension, k = rank
        vectors.withUnsafeBufferPointer { w in
            projection.withUnsafeMutableBufferPointer { t in
                c.withUnsafeBufferPointer { c in
                    for i in 0..<k {
                        var s = 0.0
                        for j in 0..<d { s += w[i * d + j] * u[j] }
                        t[i] = c[i] * s
                    }
                    for i in 0..<k {
                        let a = t[i]
                        for j in 0..<d { u[j] += a * w[i * d + j] }
                    }
                }
            }
        }
    }

    /// p ~ N(0, M).
    @inline(__always)
    public func drawMomentum<N: NoiseSource>(_ p: UnsafeMutablePointer<Double>, noise: N) {
        let d = dimension
        if case .lowRank = metric {
            // M = D⁻¹(I + Σ (1/λᵢ − 1) uᵢuᵢᵀ)D⁻¹, whose square root is D⁻¹(I + Σ (λᵢ^{-1/2} − 1) uᵢuᵢᵀ).
            for j in 0..<d { p[j] = noise.normal() }
            correct(p, by: noiseStretch)
            inverseRoot.withUnsafeBufferPointer { r in for j in 0..<d { p[j] *= r[j] } }
        } else if case .dense = metric {
            for j in 0..<d { p[j] = noise.normal() }
            // Solve Lᵀp = ξ by back substitution.
            factor.withUnsafeBufferPointer { l in
                for i in stride(from: d - 1, through: 0, by: -1) {
                    var s = p[i]
                    for k in (i + 1)..<max(i + 1, d) { s -= l[k * d + i] * p[k] }
                    p[i] = s / l[i * d + i]
                }
            }
        } else {
            inverseRoot.withUnsafeBufferPointer { r in for j in 0..<d { p[j] = r[j] * noise.normal() } }
        }
    }
}
