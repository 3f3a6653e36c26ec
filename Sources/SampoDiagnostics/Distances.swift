import SampoCore
import Foundation

/// Distances between a sample and a target or a reference sample. Points are arrays of equal
/// dimension. The O(n²) statistics are meant for at most a few thousand points; callers thin
/// larger samples first (see `evenlyThinned`).
public enum Distances {
    /// Kernel Stein discrepancy with the inverse multiquadric kernel (c = 1, β = −½), using only
    /// the scores s = ∇log π at the points: KSD = √(Σ_ij k₀(x_i, x_j))/n with
    /// k₀ = s(x)·s(y) q^β − 2β q^{β−1} r·s(x) + 2β q^{β−1} r·s(y) − 2βd q^{β−1} − 4β(β−1) q^{β−2}‖r‖²,
    /// r = x − y, q = c² + ‖r‖².
    public static func kernelSteinDiscrepancy(points: [[Double]], scores: [[Double]]) -> Double {
        let n = points.count
        guard n > 0, scores.count == n else { return .nan }
        let d = points[0].count
        let beta = -0.5, c2 = 1.0
        var total = 0.0
        for i in 0..<n {
            let x = points[i], sx = scores[i]
            for j in i..<n {
                let y = points[j], sy = scores[j]
                var r2 = 0.0, ss = 0.0, rsx = 0.0, rsy = 0.0
                for k in 0..<d {
                    let r = x[k] - y[k]
                    r2 += r * r
                    ss += sx[k] * sy[k]
                    rsx += r * sx[k]
                    rsy += r * sy[k]
                }
                let q = c2 + r2
                let qb = pow(q, beta), qb1 = qb / q, qb2 = qb1 / q
                let k0 = ss * qb - 2 * beta * qb1 * rsx + 2 * beta * qb1 * rsy
                    - 2 * beta * Double(d) * qb1 - 4 * beta * (beta - 1) * qb2 * r2
                total += i == j ? k0 : 2 * k0
            }
        }
        return max(total, 0).squareRoot() / Double(n)
    }

    /// Sliced 2-Wasserstein distance between two samples of equal size: for each of `directions`
    /// random unit vectors (drawn from `seed`), W₂² of the sorted projections; √ of the average.
    public static func slicedWasserstein2(_ x: [[Double]], _ y: [[Double]], directions: Int = 100, seed: UInt64 = 1) -> Double {
        guard let d = x.first?.count, !x.isEmpty, x.count == y.count else { return .nan }
        let rng = RandomStream(seed: seed, stream: 0x51ced)
        var total = 0.0
        var px = [Double](repeating: 0, count: x.count), py = px
        for _ in 0..<directions {
            var u = (0..<d).map { _ in rng.normal() }
            let norm = u.reduce(0) { $0 + $1 * $1 }.squareRoot()
            u = u.map { $0 / norm }
            for i in 0..<x.count {
                var a = 0.0, b = 0.0
                for k in 0..<d { a += u[k] * x[i][k]; b += u[k] * y[i][k] }
                px[i] = a; py[i] = b
            }
            px.sort(); py.sort()
            var w = 0.0
            for i in 0..<x.count { w += (px[i] - py[i]) * (px[i] - py[i]) }
            total += w / Double(x.count)
        }
        return (total / Double(directions)).squareRoot()
    }

    /// Energy distance D = √((2/nm)Σ‖x_i − y_j‖ − (1/n²)Σ‖x_i − x_j‖ − (1/m²)Σ‖y_i − y_j‖)
    /// (the square root, as scipy's `energy_distance` reports it).
    public static func energyDistance(_ x: [[Double]], _ y: [[Double]]) -> Double {
        guard !x.isEmpty, !y.isEmpty else { return .nan }
        func meanDistance(_ a: [[Double]], _ b: [[Double]]) -> Double {
            var s = 0.0
            for p in a {
                for q in b {
                    var r2 = 0.0
                    for k in 0..<p.count { r2 += (p[k] - q[k]) * (p[k] - q[k]) }
                    s += r2.squareRoot()
                }
            }
            return s / Double(a.count * b.count)
        }
        let d2 = 2 * meanDistance(x, y) - meanDistance(x, x) - meanDistance(y, y)
        return max(d2, 0).squareRoot()
    }

    /// Total-variation distance ½Σ|f_k − w_k| between occupancy fractions f (from `labels`, each
    /// in 0..<weights.count) and the true weights w.
    public static func modeWeightTV(labels: [Int], weights: [Double]) -> Double {
        var counts = [Int](repeating: 0, count: weights.count)
        for l in labels where l >= 0 && l < weights.count { counts[l] += 1 }
        return modeWeightTV(counts: counts, weights: weights, total: labels.count)
    }

    /// The same from the number of points in each mode, out of `total` points.
    public static func modeWeightTV(counts: [Int], weights: [Double], total: Int) -> Double {
        guard total > 0 else { return .nan }
        let n = Double(total)
        return 0.5 * zip(counts, weights).reduce(0) { $0 + abs(Double($1.0) / n - $1.1) }
    }

    /// At most `cap` points taken at evenly spaced indices (all of them if there are fewer).
    public static func evenlyThinned(_ points: [[Double]], cap: Int) -> [[Double]] {
        guard points.count > cap, cap > 0 else { return points }
        return evenlyThinnedIndices(count: points.count, cap: cap).map { points[$0] }
    }

    /// The indices `evenlyThinned` keeps out of `count` points (all of them if there are at most `cap`).
    public static func evenlyThinnedIndices(count: Int, cap: Int) -> [Int] {
        guard count > cap, cap > 0 else { return Array(0..<count) }
        return (0..<cap).map { Int(Double($0) * Double(count) / Double(cap)) }
    }
}
