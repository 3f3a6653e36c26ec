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
    public internal(set) var count = 0
    var mean: [Double]
    var m2: [Double]
    /// The first five values of each coordinate, sorted (P²'s starting markers); afterwards slots 0
    /// and 4 hold its minimum and maximum: P²'s outer markers, the same for every probability.
    var extremes: [Double]
    /// The three inner markers of each coordinate and probability: heights q₁ q₂ q₃, then positions
    /// n₁ n₂ n₃ (n₀ = 1 and n₄ = count are implicit). Six doubles, not ten: a step streams through
    /// all of them, and at d = 65 536 that traffic is most of a step's cost.
    var markers: [Double]
    /// The desired-position increments p/2, p, (1 + p)/2 of each probability.
    private let increments: [Double]
    /// Quantile estimates of other chains merged in (sum and number), per coordinate and probability.
    var mergedQuantiles: [Double]
    var mergedChains = 0

    public init(dimension d: Int, probabilities: [Double]) {
        dimension = d; self.probabilities = probabilities
        mean = [Double](repeating: 0, count: d); m2 = [Double](repeating: 0, count: d)
        extremes = [Double](repeating: 0, count: d * 5)
        markers = [Double](repeating: 0, count: d * probabilities.count * 6)
        increments = probabilities.flatMap { [$0 / 2, $0, (1 + $0) / 2] }
        mergedQuantiles = [Double](repeating: 0, count: d * probabilities.count)
    }

    /// Adds one draw.
    public mutating func add(_ x: UnsafePointer<Double>) {
        count += 1
        let n = Double(count), nq = probabilities.count, d = dimension, count = count
        mean.withUnsafeMutableBufferPointer { mb in
            m2.withUnsafeMutableBufferPointer { sb in
                for j in 0..<d {
                    let delta = x[j] - mb[j]
                    mb[j] += delta / n
                    sb[j] += delta * (x[j] - mb[j])
                }
            }
        }
        extremes.withUnsafeMutableBufferPointer { eb in
            let e = eb.baseAddress!
            if count <= 5 {
                // Keep the first five values sorted; they become the markers.
                for j in 0..<d {
                    let q = e + 5 * j
                    var i = count - 1
                    while i > 0 && q[i - 1] > x[j] { q[i] = q[i - 1]; i -= 1 }
                    q[i] = x[j]
                }
                return
            }
            markers.withUnsafeMutableBufferPointer { mb in
                increments.withUnsafeBufferPointer { f in
                    let total = Double(count - 1)
                    for j in 0..<d {
                        let v = x[j], outer = e + 5 * j
                        outer[0] = Swift.min(outer[0], v); outer[4] = Swift.max(outer[4], v)
                        for k in 0..<nq {
                            Self.update(mb.baseAddress! + (j * nq + k) * 6, low: outer[0], high: outer[4], v,
                                        desired: (1 + total * f[3 * k], 1 + total * f[3 * k + 1], 1 + total * f[3 * k + 2]), count: n)
                        }
                    }
                }
            }
        }
        if count == 5 { startMarkers() }
    }

    /// After the fifth draw: the middle three values become every probability's inner markers at
    /// positions 2, 3, 4 (the outer ones, slots 0 and 4, are already the minimum and maximum).
    private mutating func startMarkers() {
        let nq = probabilities.count, q = extremes
        for j in 0..<dimension {
            for k in 0..<nq {
                let m = (j * nq + k) * 6
                markers[m] = q[5 * j + 1]; markers[m + 1] = q[5 * j + 2]; markers[m + 2] = q[5 * j + 3]
                markers[m + 3] = 2; markers[m + 4] = 3; markers[m + 5] = 4
            }
        }
    }

    /// One P² step of the inner markers `m` (heights then positions) with outer markers low (at 1)
    /// and high (at `count`, already including v), for the desired positions of the three markers.
    @inline(__always)
    static func update(_ m: UnsafeMutablePointer<Double>, low: Double, high: Double, _ v: Double,
                       desired: (Double, Double, Double), count: Double) {
        // Markers above v move up one position (v below the minimum moves all three; v at or
        // above the maximum moves none): counted without branches, v's cell is unpredictable.
        m[3] += v < m[0] ? 1 : 0
        m[4] += v < m[1] ? 1 : 0
        m[5] += v < m[2] ? 1 : 0
        adjust(m, 0, below: (low, 1), above: (m[1], m[4]), desired: desired.0)
        adjust(m, 1, below: (m[0], m[3]), above: (m[2], m[5]), desired: desired.1)
        adjust(m, 2, below: (m[1], m[4]), above: (high, count), desired: desired.2)
    }

    /// Moves inner marker i one position toward its desired position when it is a whole position
    /// away and its neighbour is not adjacent, by the piecewise-parabolic formula (linear when the
    /// parabola would leave the neighbours' heights).
    @inline(__always)
    static func adjust(_ m: UnsafeMutablePointer<Double>, _ i: Int, below: (q: Double, n: Double),
                       above: (q: Double, n: Double), desired: Double) {
        let q = m[i], n = m[3 + i], d = desired - n
        guard (d >= 1 && above.n - n > 1) || (d <= -1 && below.n - n < -1) else { return }
        let s = d >= 0 ? 1.0 : -1.0
        let parabolic = q + s / (above.n - below.n)
            * ((n - below.n + s) * (above.q - q) / (above.n - n)
               + (above.n - n - s) * (q - below.q) / (n - below.n))
        if below.q < parabolic && parabolic < above.q {
            m[i] = parabolic
        } else {
            let o = s > 0 ? above : below
            m[i] = q + s * (o.q - q) / (o.n - n)
        }
        m[3 + i] = n + s
    }

    /// This chain's own quantile estimate (exact order statistic interpolation below six draws).
    private func ownQuantile(_ j: Int, _ k: Int) -> Double {
        guard count > 5 else {
            guard count > 0 else { return .nan }
            let h = (Double(count) - 1) * probabilities[k], lo = Int(h.rounded(.down)), hi = min(lo + 1, count - 1)
            return extremes[5 * j + lo] + (h - Double(lo)) * (extremes[5 * j + hi] - extremes[5 * j + lo])
        }
        return markers[(j * probabilities.count + k) * 6 + 1]
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
