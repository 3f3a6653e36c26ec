import Foundation

/// Resampling schemes for particle populations: given normalised weights W (summing to 1),
/// N ancestor indices whose expected counts are N·W_i. All are inverse-CDF passes over sorted
/// uniforms (O(N)), clipping the last index against rounding.
public enum Resampling: String, Sendable, CaseIterable {
    case systematic, multinomial, stratified, residual

    public func ancestors<N: NoiseSource>(weights w: [Double], count n: Int, noise: N) -> [Int] {
        switch self {
        case .systematic:
            let u = noise.uniform()
            return Self.inverseCDF(w, (0..<n).map { (Double($0) + u) / Double(n) })
        case .stratified:
            return Self.inverseCDF(w, (0..<n).map { (Double($0) + noise.uniform()) / Double(n) })
        case .multinomial:
            return Self.inverseCDF(w, Self.sortedUniforms(n, noise))
        case .residual:
            var out: [Int] = []
            out.reserveCapacity(n)
            var residual = [Double](repeating: 0, count: w.count)
            for i in w.indices {
                let copies = Int((Double(n) * w[i]).rounded(.down))
                out += Array(repeating: i, count: copies)
                residual[i] = Double(n) * w[i] - Double(copies)
            }
            let rest = n - out.count
            guard rest > 0 else { return out }
            let total = residual.reduce(0, +)
            out += Self.inverseCDF(residual.map { $0 / total }, Self.sortedUniforms(rest, noise))
            return out
        }
    }

    /// n sorted uniforms in O(n) from normalised exponential spacings.
    static func sortedUniforms<N: NoiseSource>(_ n: Int, _ noise: N) -> [Double] {
        var e = (0..<(n + 1)).map { _ in -log(noise.uniformPositive()) }
        var acc = 0.0
        for i in 0...n { acc += e[i]; e[i] = acc }
        return (0..<n).map { e[$0] / acc }
    }

    /// For sorted u in [0, 1), the indices i with cumulative(i−1) ≤ u < cumulative(i).
    static func inverseCDF(_ w: [Double], _ sortedU: [Double]) -> [Int] {
        var out = [Int](repeating: 0, count: sortedU.count)
        var i = 0, cumulative = w.first ?? 0
        for (k, u) in sortedU.enumerated() {
            while u >= cumulative && i < w.count - 1 { i += 1; cumulative += w[i] }
            out[k] = i
        }
        return out
    }
}
