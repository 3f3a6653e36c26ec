/// The inverse metric fitted from a warm-up window: the means and (co)variances of the window's
/// draws x (and, for the Fisher metrics, of their gradients g = ∇log π(x)), then
/// - `diag`, `dense`: Stan's regularised estimate (n/(n + 5))·Σ̂ + 10⁻³·(5/(n + 5))·I;
/// - `fisher-diag`: diag(√(var x_j / var g_j)), the diagonal map that brings π closest to N(0, I)
///   in Fisher divergence (exact for a Gaussian with diagonal covariance: var g_j = var x_j / σ_j⁴);
/// - `fisher-dense`: the Σ with Σ Cov(g) Σ = Cov(x), their SPD geometric mean
///   A^{-1/2}(A^{1/2} B A^{1/2})^{1/2} A^{-1/2} with A = Cov(g), B = Cov(x) (exact for any Gaussian
///   from any window: there g = −Σ⁻¹(x − m), so Cov(g) = Σ⁻¹ Cov(x) Σ⁻¹);
/// - `fisher-lowrank`: the diagonal Fisher scale σ and, in the span of the rescaled draws and
///   gradients, the eigenpairs of the same geometric mean that lie outside [1/c, c]
///   (`MetricEstimator+LowRank.swift`).
/// Moments are Welford's, kept running over the window, or — when the draws themselves are kept
/// (low rank, or nutpie's schedule, which drops a window's oldest part) — recomputed from the
/// bounded `MetricWindow` in the same order, so both give the same numbers.
/// A Fisher fit that cannot be made falls back and says so: the dense and low-rank ones, from a
/// window too short or singular, to the diagonal Fisher fit, which any window of two draws
/// allows (Stan's dense estimate from so few draws is nearly singular: measured 6× the gradients
/// of the diagonal metric on a 100-d Gaussian); the diagonal one, where a coordinate's gradient
/// does not vary, to Stan's variances.
public struct MetricEstimator: Sendable {
    public let dimension: Int
    public let kind: MetricKind
    public let lowRank: LowRankOptions
    var running = 0
    var x: Moments, g: Moments?
    var window: MetricWindow?

    /// The low-rank fit's settings: eigenvalues of the rescaled covariance kept when > `cutoff` or
    /// < 1/`cutoff`; `gamma` regularises the projected covariances (nutpie's c = 2, γ = 10⁻⁵).
    public struct LowRankOptions: Sendable, Equatable {
        public var cutoff: Double, gamma: Double
        public init(cutoff: Double = 2, gamma: Double = 1e-5) { self.cutoff = cutoff; self.gamma = gamma }
    }

    /// The most draws a kept window holds (the newest; 1 000 × d doubles, twice with gradients).
    public static let defaultWindowCapacity = 1000

    /// The fitted inverse metric, and whether a Fisher fit fell back to Stan's estimate.
    public struct Fit: Sendable, Equatable {
        public let metric: InverseMetric
        public let fellBack: Bool
    }

    /// `keepingDraws` keeps the window's draws (as the low-rank fit always does), at most
    /// `capacity` of them, so that `keepNewest` can shorten the window.
    public init(dimension d: Int, kind: MetricKind, lowRank: LowRankOptions = LowRankOptions(),
                keepingDraws: Bool = false, capacity: Int = MetricEstimator.defaultWindowCapacity) {
        dimension = d
        self.kind = kind
        self.lowRank = lowRank
        x = Moments(dimension: d, dense: kind.isDense)
        g = kind.usesGradients ? Moments(dimension: d, dense: kind.isDense) : nil
        if keepingDraws || kind.keepsDraws {
            window = MetricWindow(dimension: d, capacity: capacity, gradients: kind.usesGradients)
        }
    }

    /// Draws in the window.
    public var count: Int { window?.count ?? running }

    /// Adds a draw; `gradient` is read only by the Fisher metrics.
    public mutating func add(_ point: UnsafePointer<Double>, gradient: UnsafePointer<Double>?) {
        if window != nil {
            window?.append(point, gradient: gradient)
            return
        }
        running += 1
        x.add(point, count: running)
        if g != nil, let gradient { g?.add(gradient, count: running) }
    }

    public mutating func restart() {
        running = 0
        x.restart()
        g?.restart()
        window?.removeAll()
    }

    /// Forgets all but the window's `n` newest draws (only a window that keeps its draws can).
    public mutating func keepNewest(_ n: Int) { window?.keepNewest(n) }

    /// The fitted inverse metric (nil with fewer than 2 draws).
    public func fit() -> Fit? { fit(fullSpace: false) }

    /// `fullSpace`: the low-rank fit in all of ℝᵈ even from a short window (the same result at
    /// O(d³); for tests of the subspace computation).
    public func fit(fullSpace: Bool) -> Fit? {
        guard count >= 2 else { return nil }
        if let window {
            // The same Welford sums, over the kept draws in order.
            var f = self
            f.window = nil
            f.running = 0
            for i in 0..<window.count {
                f.running += 1
                window.draw(i).withUnsafeBufferPointer { f.x.add($0.baseAddress!, count: f.running) }
                if window.hasGradients { window.gradient(i).withUnsafeBufferPointer { f.g?.add($0.baseAddress!, count: f.running) } }
            }
            if kind == .fisherLowRank, let g = f.g {
                return f.lowRankFit(window, x: f.x, g: g, fullSpace: fullSpace) ?? Fit(metric: f.fisherDiagonal(dense: g, d: dimension).metric, fellBack: true)
            }
            return f.fit()
        }
        switch kind {
        case .fisherDiag, .fisherLowRank: return fisherDiagonal()
        case .fisherDense: return fisherDense()
        default: return Fit(metric: stan(), fellBack: false)
        }
    }

    /// Stan's regularised variance or covariance of the draws.
    private func stan() -> InverseMetric {
        let n = Double(running), d = dimension
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
        let n = Double(running), shrink = n / (n + 5), ridge = 1e-3 * 5 / (n + 5)
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
        let d = dimension, n1 = Double(running - 1)
        // Cov(g) singular (fewer window draws than dimensions, or a flat direction): no fit.
        guard running > d else { return fallback }
        let a = Self.symmetrized(g.m2.map { $0 / n1 }, d), b = Self.symmetrized(x.m2.map { $0 / n1 }, d)
        guard let s = Self.geometricMean(of: b, and: a, d) else { return fallback }
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

/// The estimator's running moments (Stan's windows) or kept draws (nutpie's) in a checkpoint.
extension MetricEstimator {
    func write(to w: inout CheckpointWriter) {
        w.write(running)
        x.write(to: &w)
        w.write(g != nil); g?.write(to: &w)
        w.write(window != nil); window?.write(to: &w)
    }

    mutating func read(from r: inout CheckpointReader) throws(SampoError) {
        running = try r.readInt()
        try x.read(from: &r)
        guard try r.readBool() == (g != nil) else { throw .runtime("checkpoint: a metric estimator of another kind") }
        try g?.read(from: &r)
        guard try r.readBool() == (window != nil) else { throw .runtime("checkpoint: a metric estimator on another schedule") }
        try window?.read(from: &r)
    }
}

extension MetricEstimator.Moments {
    func write(to w: inout CheckpointWriter) { w.write(mean); w.write(m2); w.write(delta) }
    mutating func read(from r: inout CheckpointReader) throws(SampoError) {
        let (a, b, c) = (try r.readDoubles(), try r.readDoubles(), try r.readDoubles())
        guard a.count == mean.count, b.count == m2.count, c.count == delta.count else {
            throw .runtime("checkpoint: running moments of another size")
        }
        mean = a; m2 = b; delta = c
    }
}
