/// Welford's running mean and (co)variance of the slow windows' draws, and Stan's regularised
/// inverse metric from them: (n/(n + 5))·Σ̂ + 10⁻³·(5/(n + 5))·I (the diagonal only for `diag`).
public struct MetricEstimator: Sendable {
    public let dimension: Int
    public let dense: Bool
    public private(set) var count = 0
    private var mean: [Double], m2: [Double], delta: [Double]

    public init(dimension d: Int, dense: Bool) {
        dimension = d
        self.dense = dense
        mean = [Double](repeating: 0, count: d)
        m2 = [Double](repeating: 0, count: dense ? d * d : d)
        delta = [Double](repeating: 0, count: d)
    }

    public mutating func add(_ x: UnsafePointer<Double>) {
        let d = dimension
        count += 1
        let n = Double(count)
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

    public mutating func restart() {
        count = 0
        for j in mean.indices { mean[j] = 0 }
        for j in m2.indices { m2[j] = 0 }
    }

    /// The regularised inverse metric (nil with fewer than 2 draws).
    public func inverseMetric() -> InverseMetric? {
        guard count >= 2 else { return nil }
        let n = Double(count), d = dimension
        let shrink = n / (n + 5), ridge = 1e-3 * 5 / (n + 5)
        if dense {
            var a = m2.map { shrink * $0 / (n - 1) }
            for i in 0..<d { a[i * d + i] += ridge }
            // Symmetric by construction up to rounding; make it exactly so for the factorisation.
            for i in 0..<d { for j in 0..<i { let s = 0.5 * (a[i * d + j] + a[j * d + i]); a[i * d + j] = s; a[j * d + i] = s } }
            return .dense(a)
        }
        return .diagonal(m2.map { shrink * $0 / (n - 1) + ridge })
    }
}
