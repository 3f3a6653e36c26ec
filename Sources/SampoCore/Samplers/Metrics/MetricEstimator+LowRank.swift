extension MetricEstimator {
    /// nutpie's low-rank-plus-diagonal fit (Seyboldt, Carlson, Carpenter 2026) from n kept draws:
    /// σ_j = (var x_j / var g_j)^{1/4}; the draws and gradients centred and rescaled,
    /// X = (x − x̄)/(σ n), G = σ(g − ḡ)/n; an orthonormal basis Q of the span of both (all of ℝᵈ
    /// when 2n ≥ d; else Gram–Schmidt twice over their 2n columns, O(d·n²)); in that basis
    /// Cx = QᵀXXᵀQ/γ + I and Cg = QᵀGGᵀQ/γ + I, their geometric mean M (M Cg M = Cx); the eigenpairs
    /// (λ, Qv) of M with λ > c or λ < 1/c. Nil when the window is too short or the numbers fail.
    /// `fullSpace` skips the subspace (Q = I) whatever n is: the same result at O(d³), for tests.
    func lowRankFit(_ window: MetricWindow, x: Moments, g: Moments, fullSpace: Bool = false) -> Fit? {
        let d = dimension, n = window.count
        guard n >= 3, window.hasGradients else { return nil }
        var scales = [Double](repeating: 0, count: d)
        for j in 0..<d {
            let s = (x.m2[j] / g.m2[j]).squareRoot().squareRoot()
            guard s.isFinite, s > 0 else { return nil }
            scales[j] = min(max(s, 1e-10), 1e10)
        }
        // Columns of X then G, each a d-vector (column-major d × 2n).
        let nn = Double(n)
        var columns = [Double](repeating: 0, count: 2 * n * d)
        for i in 0..<n {
            let xi = window.draw(i), gi = window.gradient(i)
            let xb = xi.startIndex, gb = gi.startIndex
            for j in 0..<d {
                columns[i * d + j] = (xi[xb + j] - x.mean[j]) / (scales[j] * nn)
                columns[(n + i) * d + j] = (gi[gb + j] - g.mean[j]) * scales[j] / nn
            }
        }
        let basis = fullSpace || 2 * n >= d ? nil : Self.orthonormalBasis(columns, count: 2 * n, length: d)
        let r = basis.map { $0.count / d } ?? d
        guard r > 0 else { return nil }
        // P = QᵀX and QᵀG (r × n each; Q = I: the columns themselves).
        func projected(_ offset: Int) -> [Double] {
            var p = [Double](repeating: 0, count: r * n)
            for i in 0..<n {
                let c = (offset + i) * d
                for a in 0..<r {
                    if let q = basis {
                        var s = 0.0
                        for j in 0..<d { s += q[a * d + j] * columns[c + j] }
                        p[a * n + i] = s
                    } else {
                        p[a * n + i] = columns[c + a]
                    }
                }
            }
            return p
        }
        func regularisedGram(_ p: [Double]) -> [Double] {
            var c = [Double](repeating: 0, count: r * r)
            for a in 0..<r {
                for b in 0...a {
                    var s = 0.0
                    for i in 0..<n { s += p[a * n + i] * p[b * n + i] }
                    c[a * r + b] = s / lowRank.gamma
                    c[b * r + a] = s / lowRank.gamma
                }
                c[a * r + a] += 1
            }
            return c
        }
        let cx = regularisedGram(projected(0)), cg = regularisedGram(projected(n))
        guard let m = Self.geometricMean(of: cx, and: cg, r) else { return nil }
        let (values, vectors) = SymmetricEigen.decompose(m, dimension: r)
        guard values.allSatisfy({ $0.isFinite && $0 > 0 }) else { return nil }
        var kept: [Double] = [], keptVectors: [Double] = []
        for k in 0..<r where values[k] > lowRank.cutoff || values[k] < 1 / lowRank.cutoff {
            kept.append(values[k])
            for j in 0..<d {
                if let q = basis {
                    var s = 0.0
                    for a in 0..<r { s += q[a * d + j] * vectors[a * r + k] }
                    keptVectors.append(s)
                } else {
                    keptVectors.append(vectors[j * r + k])
                }
            }
        }
        guard let metric = try? LowRankMetric(scales: scales, eigenvalues: kept, vectors: keptVectors) else { return nil }
        return Fit(metric: .lowRank(metric), fellBack: false)
    }

    /// The SPD geometric mean M of A and B with M B M = A: B^{-1/2}(B^{1/2} A B^{1/2})^{1/2} B^{-1/2}
    /// (r × r, row-major); nil when B is not positive definite.
    static func geometricMean(of a: [Double], and b: [Double], _ r: Int) -> [Double]? {
        let (vb, eb) = SymmetricEigen.decompose(b, dimension: r)
        guard let top = vb.first, top.isFinite, top > 0, let low = vb.last, low > 1e-12 * top else { return nil }
        let root = function(of: vb, eb, r) { $0.squareRoot() }
        let inverseRoot = function(of: vb, eb, r) { 1 / $0.squareRoot() }
        let c = symmetrized(product(product(root, a, r), root, r), r)
        let (vc, ec) = SymmetricEigen.decompose(c, dimension: r)
        guard vc.allSatisfy(\.isFinite) else { return nil }
        let cRoot = function(of: vc, ec, r) { max($0, 0).squareRoot() }
        let m = symmetrized(product(product(inverseRoot, cRoot, r), inverseRoot, r), r)
        guard (0..<r).allSatisfy({ m[$0 * r + $0] > 0 }), m.allSatisfy(\.isFinite) else { return nil }
        return m
    }

    /// An orthonormal basis (row-major, one d-vector per row) of the span of `count` column vectors
    /// of length d (stored one after another): classical Gram–Schmidt applied twice per column
    /// (as accurate as Householder QR for this), a column kept when what is left of it exceeds
    /// 10⁻¹⁰ of the largest column's norm.
    static func orthonormalBasis(_ columns: [Double], count: Int, length d: Int) -> [Double] {
        var largest = 0.0
        for c in 0..<count {
            var s = 0.0
            for j in 0..<d { s += columns[c * d + j] * columns[c * d + j] }
            largest = max(largest, s.squareRoot())
        }
        guard largest > 0, largest.isFinite else { return [] }
        var q: [Double] = [], rows = 0
        var v = [Double](repeating: 0, count: d)
        for c in 0..<count where rows < d {
            for j in 0..<d { v[j] = columns[c * d + j] }
            for _ in 0..<2 {
                for a in 0..<rows {
                    var s = 0.0
                    for j in 0..<d { s += q[a * d + j] * v[j] }
                    for j in 0..<d { v[j] -= s * q[a * d + j] }
                }
            }
            var norm = 0.0
            for j in 0..<d { norm += v[j] * v[j] }
            norm = norm.squareRoot()
            guard norm > 1e-10 * largest else { continue }
            for j in 0..<d { q.append(v[j] / norm) }
            rows += 1
        }
        return q
    }
}
