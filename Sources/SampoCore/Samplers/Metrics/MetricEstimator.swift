/// The inverse metric fitted from a warm-up window: Welford's running means and (co)variances of
/// the window's draws x (and, for the Fisher metrics, of their gradients g = ∇log π(x)), then
/// - `diag`, `dense`: Stan's regularised estimate (n/(n + 5))·Σ̂ + 10⁻³·(5/(n + 5))·I;
/// - `fisher-diag`: diag(√(var x_j / var g_j)), the diagonal map that brings π closest to N(0, I)
///   in Fisher divergence (exact for a Gaussian with diagonal covariance: var g_j = var x_j / σ_j⁴);
/// - `fisher-dense`: the Σ with Σ Cov(g) Σ = Cov(x), their SPD geometric mean
///   A^{-1/2}(A^{1/2} B A^{1/2})^{1/2} A^{-1/2} with A = Cov(g), B = Cov(x) (exact for any Gaussian
///   from any window: there g = −Σ⁻¹(x − m), so Cov(g) = Σ⁻¹ Cov(x) Σ⁻¹).
/// A Fisher fit that cannot be made falls back and says so: the dense one, from a window no longer
/// than the dimension (Cov(g) singular), to the diagonal Fisher fit, which any window of two draws
/// allows (Stan's dense estimate from so few draws is nearly singular: measured 6× the gradients
/// of the diagonal metric on a 100-d Gaussian); the diagonal one, where a coordinate's gradient
/// does not vary, to Stan's variances.
public struct MetricEstimator: Sendable {
    public let dimension: Int
    public let kind: MetricKind
    public private(set) var count = 0
    private var x: Moments, g: Moments?

    /// The fitted inverse metric, and whether a Fisher fit fell back to Stan's estimate.
    public struct Fit: Sendable, Equatable {
        public let metric: InverseMetric
        public let fellBack: Bool
    }

    public init(dimension d: Int, kind: MetricKind) {
        dimension = d
        self.kind = kind
        x = Moments(dimension: d, dense: kind.isDense)
        g = kind.usesGradients ? Moments(dimension: d, dense: kind.isDense) : nil
    }

    /// Adds a draw; `gradient` is read only by the Fisher metrics.
    public mutating func add(_ point: UnsafePointer<Double>, gradient: UnsafePointer<Double>?) {
        count += 1
        x.add(point, count: count)
        if g != nil, let gradient { g?.add(gradient, count: count) }
    }

    public mutating func restart() {
        count = 0
        x.restart()
        g?.restart()
    }

    /// The fitted inverse metric (nil with fewer than 2 draws).
    public func fit() -> Fit? {
        guard count >= 2 else { return nil }
        switch kind {
        case .fisherDiag: return fisherDiagonal()
        case .fisherDense: return fisherDense()
        default: return Fit(metric: stan(), fellBack: false)
        }
    }

    /// Stan's regularised variance or covariance of the draws.
    private func stan() -> InverseMetric {
        let n = Double(count), d = dimension
        let shrink = n / (n + 5), ridge = 1e-3 * 5 / (n + 5)
        if kind.isDense {
            var a = x.m2.map { shrink * $0 / (n - 1) }
            for i in 0..<d { a[i * d + i] += ridge }
            return .dense(Self.symmetrized(a, d))
        }
        return stanDiagonal(stride: 1)
    }

    /// Stan's regularised variances, reading every `stride`-th M2 entry (d + 1: a dense matrix's diagonal).
    private func stanDiagonal(stride: Int) -> InverseMetric {
        let n = Double(count), shrink = n / (n + 5), ridge = 1e-3 * 5 / (n + 5)
        return .diagonal((0..<dimension).map { shrink * x.m2[$0 * stride] / (n - 1) + ridge })
    }

    private func fisherDiagonal() -> Fit {
        guard let g else { return Fit(metric: stan(), fellBack: true) }
        return fisherDiagonal(dense: g, d: dimension)
    }

    /// diag(√(var x_j / var g_j)), reading the diagonals of dense sums when the metric is dense; a
    /// coordinate whose ratio is not finite and positive makes the fit Stan's diagonal variances.
    private func fisherDiagonal(dense g: Moments, d: Int) -> Fit {
        let stride = kind.isDense ? d + 1 : 1
        var values = [Double](repeating: 0, count: d)
        for j in 0..<d {
            let r = (x.m2[j * stride] / g.m2[j * stride]).squareRoot()
            guard r.isFinite, r > 0 else { return Fit(metric: stanDiagonal(stride: stride), fellBack: true) }
            values[j] = min(max(r, 1e-20), 1e20)
        }
        return Fit(metric: .diagonal(values), fellBack: false)
    }

    private func fisherDense() -> Fit {
        guard let g else { return Fit(metric: stan(), fellBack: true) }
        let fallback = Fit(metric: fisherDiagonal(dense: g, d: dimension).metric, fellBack: true)
        let d = dimension, n1 = Double(count - 1)
        let a = Self.symmetrized(g.m2.map { $0 / n1 }, d), b = Self.symmetrized(x.m2.map { $0 / n1 }, d)
        let (va, ea) = SymmetricEigen.decompose(a, dimension: d)
        // Cov(g) singular (fewer window draws than dimensions, or a flat direction): no fit.
        guard count > d, let top = va.first, top.isFinite, top > 0, let low = va.last, low > 1e-12 * top else { return fallback }
        let root = Self.function(of: va, ea, d) { $0.squareRoot() }
        let inverseRoot = Self.function(of: va, ea, d) { 1 / $0.squareRoot() }
        let c = Self.symmetrized(Self.product(Self.product(root, b, d), root, d), d)
        let (vc, ec) = SymmetricEigen.decompose(c, dimension: d)
        guard vc.allSatisfy(\.isFinite) else { return fallback }
        let cRoot = Self.function(of: vc, ec, d) { max($0, 0).squareRoot() }
        let s = Self.symmetrized(Self.product(Self.product(inverseRoot, cRoot, d), inverseRoot, d), d)
        guard (0..<d).allSatisfy({ s[$0 * d + $0] > 0 }), s.allSatisfy(\.isFinite) else { return fallback }
        return Fit(metric: .dense(s), fellBack: false)
    }

    /// f(M) = U f(Λ) Uᵀ from M's eigenpairs (vectors row-major, column k for value k).
    static func function(of values: [Double], _ vectors: [Double], _ d: Int, _ f: (Double) -> Double) -> [Double] {
        let fv = values.map(f)
        var out = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0...i {
                var s = 0.0
                for k in 0..<d { s += vectors[i * d + k] * fv[k] * vectors[j * d + k] }
                out[i * d + j] = s
                out[j * d + i] = s
            }
        }
        return out
    }

    static func product(_ a: [Double], _ b: [Double], _ d: Int) -> [Double] {
        var out = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for k in 0..<d {
                let aik = a[i * d + k]
                if aik == 0 { continue }
                for j in 0..<d { out[i * d + j] += aik * b[k * d + j] }
            }
        }
        return out
    }

    /// Exactly symmetric (rounding makes products of symmetric matrices slightly not).
    static func symmetrized(_ a: [Double], _ d: Int) -> [Double] {
        var a = a
        for i in 0..<d { for j in 0..<i { let s = 0.5 * (a[i * d + j] + a[j * d + i]); a[i * d + j] = s; a[j * d + i] = s } }
        return a
    }

    /// Welford's running mean and second-moment sums (M2, a d × d matrix when dense).
    struct Moments: Sendable {
        let dimension: Int, dense: Bool
        var mean: [Double], m2: [Double], delta: [Double]

        init(dimension d: Int, dense: Bool) {
            dimension = d
            self.dense = dense
            mean = [Double](repeating: 0, count: d)
            m2 = [Double](repeating: 0, count: dense ? d * d : d)
            delta = [Double](repeating: 0, count: d)
        }

        mutating func add(_ x: UnsafePointer<Double>, count: Int) {
            let d = dimension, n = Double(count)
            for j in 0..<d {
                delta[j] = x[j] - mean[j]
                mean[j] += delta[j] / n
            }
            if dense {
                // M2 += (x − mean_old)(x − mean_new)ᵀ
                for i in 0..<d {
                    for j in 0..<d { m2[i * d + j] += delta[i] * (x[j] - mean[j]) }
                }
            } else {
                for j in 0..<d { m2[j] += delta[j] * (x[j] - mean[j]) }
            }
        }

        mutating func restart() {
            for j in mean.indices { mean[j] = 0 }
            for j in m2.indices { m2[j] = 0 }
        }
    }
}
