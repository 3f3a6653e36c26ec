import Foundation

/// Plain sample moments and their distance to known ones. The points are visited in place by a
/// closure (`visit(body)` calls `body` once per point, in order), so draws held in a file mapping or
/// in arrays are read the same way; the array forms below are conveniences over it.
public enum SampleMoments {
    public typealias Visit = ((UnsafePointer<Double>) -> Void) -> Void

    /// Mean of `count` points of dimension `d`.
    public static func mean(count: Int, dimension d: Int, visit: Visit) -> [Double] {
        var m = [Double](repeating: 0, count: d)
        visit { p in for j in 0..<d { m[j] += p[j] } }
        return m.map { $0 / Double(count) }
    }

    /// Sample covariance (divisor n − 1) about `mean`, row-major d × d.
    public static func covariance(count: Int, mean m: [Double], visit: Visit) -> [Double] {
        let d = m.count
        var c = [Double](repeating: 0, count: d * d)
        visit { p in
            for a in 0..<d { for b in 0...a { c[a * d + b] += (p[a] - m[a]) * (p[b] - m[b]) } }
        }
        let n1 = Double(count - 1)
        for a in 0..<d { for b in 0...a { c[a * d + b] /= n1; c[b * d + a] = c[a * d + b] } }
        return c
    }

    /// Euclidean (Frobenius, for matrices) norm of a − b.
    public static func distance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    }

    /// Mean of `n` points of dimension `d` stored row-major.
    public static func mean(_ points: [[Double]]) -> [Double] {
        guard let d = points.first?.count else { return [] }
        return mean(count: points.count, dimension: d, visit: visitor(points))
    }

    /// Sample covariance (divisor n − 1), row-major d × d.
    public static func covariance(_ points: [[Double]]) -> [Double] {
        guard points.first != nil, points.count > 1 else { return [] }
        return covariance(count: points.count, mean: mean(points), visit: visitor(points))
    }

    /// Euclidean norm of (sample mean − exact mean).
    public static func meanError(_ points: [[Double]], exact: [Double]) -> Double {
        distance(mean(points), exact)
    }

    /// Frobenius norm of (sample covariance − exact covariance).
    public static func covarianceError(_ points: [[Double]], exact: [Double]) -> Double {
        distance(covariance(points), exact)
    }

    private static func visitor(_ points: [[Double]]) -> Visit {
        { body in for p in points { p.withUnsafeBufferPointer { body($0.baseAddress!) } } }
    }
}
