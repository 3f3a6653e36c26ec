/// The inverse metric in the form the integrator uses: M⁻¹p for the drift and kinetic energy,
/// and momenta drawn from N(0, M) through the Cholesky factor L of M⁻¹ (p = L⁻ᵀξ has covariance
/// L⁻ᵀL⁻¹ = M). Nothing here allocates after `set`.
final class MetricBuffers {
    let dimension: Int
    private(set) var metric: InverseMetric = .unit
    /// diag: the variances and their inverse square roots; dense: M⁻¹ and its lower factor.
    private var diagonal: [Double], inverseRoot: [Double]
    private var matrix: [Double] = [], factor: [Double] = []

    init(dimension d: Int) {
        dimension = d
        diagonal = [Double](repeating: 1, count: d)
        inverseRoot = diagonal
    }

    /// Installs a new inverse metric after checking it.
    func set(_ m: InverseMetric) throws(SampoError) {
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
        }
        metric = m
    }

    /// v = M⁻¹p.
    @inline(__always)
    func apply(_ p: UnsafePointer<Double>, into v: UnsafeMutablePointer<Double>) {
        let d = dimension
        if case .dense = metric {
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

    /// p ~ N(0, M).
    @inline(__always)
    func drawMomentum<N: NoiseSource>(_ p: UnsafeMutablePointer<Double>, noise: N) {
        let d = dimension
        if case .dense = metric {
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
