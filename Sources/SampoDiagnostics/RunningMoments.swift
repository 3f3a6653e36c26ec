import SampoCore
import Foundation

/// Per-coordinate moments of a stream of draws, in memory independent of their number: mean and
/// variance by Welford's update (merged across chains exactly by Chan et al.'s pairwise formula),
/// and quantiles by the P² algorithm (Jain & Chlamtac 1985: five markers per coordinate and
/// probability, moved by piecewise-parabolic interpolation). P² estimates are per chain; merged
/// across chains they are averaged, an approximation (exact quantiles need the draws).
public struct RunningMoments: Sendable {
    public let dimension: Int
    public let probabilities: [Double]
    public private(set) var count = 0
    private var mean: [Double]
    private var m2: [Double]
    /// Marker heights and positions, [coordinate][probability][5] flattened; the first five
    /// draws are kept in `heights` until the markers start.
    private var heights: [Double]
    private var positions: [Double]
    /// Quantile estimates of other chains merged in (sum and number), per coordinate and probability.
    private var mergedQuantiles: [Double]
    private var mergedChains = 0

    public init(dimension d: Int, probabilities: [Double]) {
        dimension = d; self.probabilities = probabilities
        mean = [Double](repeating: 0, count: d); m2 = [Double](repeating: 0, count: d)
        heights = [Double](repeating: 0, count: d * probabilities.count * 5)
        positions = [Double](repeating: 0, count: d * probabilities.count * 5)
        mergedQuantiles = [Double](repeating: 0, count: d * probabilities.count)
    }

    /// Adds one draw.
    public mutating func add(_ x: UnsafePointer<Double>) {
        count += 1
        let n = Double(count), nq = probabilities.count
        for j in 0..<dimension {
            let delta = x[j] - mean[j]
            mean[j] += delta / n
            m2[j] += delta * (x[j] - mean[j])
        }
        heights.withUnsafeMutableBufferPointer { hb in
            positions.withUnsafeMutableBufferPointer { pb in
                for j in 0..<dimension {
                    for (k, p) in probabilities.enumerated() {
                        let q = hb.baseAddress! + (j * nq + k) * 5, pos = pb.baseAddress! + (j * nq + k) * 5
                        Self.update(q, pos, x[j], p: p, count: count)
                    }
                }
            }
        }
    }

    /// One P² step for one coordinate and probability p.
    @inline(__always)
    static func update(_ q: UnsafeMutablePointer<Double>, _ n: UnsafeMutablePointer<Double>, _ x: Double, p: Double, count: Int) {
        if count <= 5 {
            // Keep the first five values sorted; they become the markers.
            var i = count - 1
            while i > 0 && q[i - 1] > x { q[i] = q[i - 1]; i -= 1 }
            q[i] = x
            n[count - 1] = Double(count)
            return
        }
        var k: Int
        if x < q[0] { q[0] = x; k = 0 }
        else if x >= q[4] { q[4] = x; k = 3 }
        else { k = 0; while k < 3 && x >= q[k + 1] { k += 1 } }
        for i in (k + 1)..<5 { n[i] += 1 }
        let total = Double(count - 1)
        for i in 1...3 {
            let desired = 1 + total * (i == 1 ? p / 2 : (i == 2 ? p : (1 + p) / 2))
            let d = desired - n[i]
            if (d >= 1 && n[i + 1] - n[i] > 1) || (d <= -1 && n[i - 1] - n[i] < -1) {
                let s = d >= 0 ? 1.0 : -1.0
                let parabolic = q[i] + s / (n[i + 1] - n[i - 1])
                    * ((n[i] - n[i - 1] + s) * (q[i + 1] - q[i]) / (n[i + 1] - n[i])
                       + (n[i + 1] - n[i] - s) * (q[i] - q[i - 1]) / (n[i] - n[i - 1]))
                if q[i - 1] < parabolic && parabolic < q[i + 1] {
                    q[i] = parabolic
                } else {
                    let o = i + Int(s)
                    q[i] += s * (q[o] - q[i]) / (n[o] - n[i])
                }
                n[i] += s
            }
        }
    }

    /// This chain's own quantile estimate (exact order statistic interpolation below six draws).
    private func ownQuantile(_ j: Int, _ k: Int) -> Double {
        let base = (j * probabilities.count + k) * 5
        guard count > 5 else {
            guard count > 0 else { return .nan }
            let h = (Double(count) - 1) * probabilities[k], lo = Int(h.rounded(.down)), hi = min(lo + 1, count - 1)
            return heights[base + lo] + (h - Double(lo)) * (heights[base + hi] - heights[base + lo])
        }
        return heights[base + 2]
    }

    /// Merges another chain's moments into this one.
    public mutating func merge(_ other: RunningMoments) {
        guard other.count > 0 else { return }
        let nq = probabilities.count
        // Quantiles: this chain's own estimate is folded into the merged sum once.
        if mergedChains == 0 && count > 0 {
            for j in 0..<dimension { for k in 0..<nq { mergedQuantiles[j * nq + k] = ownQuantile(j, k) } }
            mergedChains = 1
        }
        for j in 0..<dimension { for k in 0..<nq { mergedQuantiles[j * nq + k] += other.quantile(j, k) * Double(max(other.mergedChains, 1)) } }
        mergedChains += max(other.mergedChains, 1)
        let na = Double(count), nb = Double(other.count), n = na + nb
        for j in 0..<dimension {
            let delta = other.mean[j] - mean[j]
            mean[j] += delta * nb / n
            m2[j] += other.m2[j] + delta * delta * na * nb / n
        }
        count += other.count
    }

    public func mean(_ j: Int) -> Double { count > 0 ? mean[j] : .nan }
    /// The sample variance (n − 1 in the denominator).
    public func variance(_ j: Int) -> Double { count > 1 ? m2[j] / Double(count - 1) : .nan }
    /// Quantile k (of `probabilities`) of coordinate j.
    public func quantile(_ j: Int, _ k: Int) -> Double {
        mergedChains > 0 ? mergedQuantiles[j * probabilities.count + k] / Double(mergedChains) : ownQuantile(j, k)
    }

    /// Column name of probability p, as the summary CSV names them: q05, q50, q95, q2.5.
    public static func columnName(_ p: Double) -> String {
        let percent = (p * 100 * 1e9).rounded() / 1e9
        return percent == percent.rounded() ? String(format: "q%02d", Int(percent)) : "q" + String(format: "%g", percent)
    }
}
