import Foundation

/// log Σ exp(v_i), safe for large and −∞ entries.
package func logSumExp(_ v: [Double]) -> Double {
    let m = v.max() ?? -.infinity
    guard m.isFinite else { return m }
    return m + log(v.reduce(0) { $0 + exp($1 - m) })
}

/// log(eᵃ + eᵇ), safe for large and −∞ arguments (running log-sums: NUTS's tree weights, PT's
/// stepping stones).
@inline(__always)
func logAddExp(_ a: Double, _ b: Double) -> Double {
    if a == -.infinity { return b }
    if b == -.infinity { return a }
    return max(a, b) + log1p(exp(-abs(a - b)))
}
