import Foundation

/// Plain sample moments and their distance to known ones.
public enum SampleMoments {
    /// Mean of `n` points of dimension `d` stored row-major.
    public static func mean(_ points: [[Double]]) -> [Double] {
        guard let d = points.first?.count else { return [] }
        var m = [Double](repeating: 0, count: d)
        for p in points { for j in 0..<d { m[j] += p[j] } }
        return m.map { $0 / Double(points.count) }
    }

    /// Sample covariance (divisor n − 1), row-major d × d.
    public static func covariance(_ points: [[Double]]) -> [Double] {
        guard let d = points.first?.count, points.count > 1 else { return [] }
        let m = mean(points)
        var c = [Double](repeating: 0, count: d * d)
        for p in points {
            for a in 0..<d { for b in 0...a { c[a * d + b] += (p[a] - m[a]) * (p[b] - m[b]) } }
        }
        let n1 = Double(points.count - 1)
        for a in 0..<d { for b in 0...a { c[a * d + b] /= n1; c[b * d + a] = c[a * d + b] } }
        return c
    }

    /// Euclidean norm of (sample mean − exact mean).
    public static func meanError(_ points: [[Double]], exact: [Double]) -> Double {
        let m = mean(points)
        return zip(m, exact).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    }

    /// Frobenius norm of (sample covariance − exact covariance).
    public static func covarianceError(_ points: [[Double]], exact: [Double]) -> Double {
        let c = covariance(points)
        return zip(c, exact).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    }
}
