import Foundation

/// The modified Shepp–Logan phantom (Toft's intensities, values in [0, 1]) rasterised on an n × n
/// grid over [−1, 1]², row 0 at the top: the sum of the intensities of the ellipses covering each
/// pixel centre.
public enum SheppLogan {
    /// (intensity, semi-axis a, semi-axis b, centre x, centre y, rotation in degrees).
    static let ellipses: [(Double, Double, Double, Double, Double, Double)] = [
        (1.0, 0.69, 0.92, 0, 0, 0), (-0.8, 0.6624, 0.874, 0, -0.0184, 0),
        (-0.2, 0.11, 0.31, 0.22, 0, -18), (-0.2, 0.16, 0.41, -0.22, 0, 18),
        (0.1, 0.21, 0.25, 0, 0.35, 0), (0.1, 0.046, 0.046, 0, 0.1, 0),
        (0.1, 0.046, 0.046, 0, -0.1, 0), (0.1, 0.046, 0.023, -0.08, -0.605, 0),
        (0.1, 0.023, 0.023, 0, -0.606, 0), (0.1, 0.023, 0.046, 0.06, -0.605, 0),
    ]

    public static func image(size n: Int) -> [Double] {
        var out = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            let y = 1 - (2 * Double(i) + 1) / Double(n)
            for j in 0..<n {
                let x = (2 * Double(j) + 1) / Double(n) - 1
                var v = 0.0
                for (rho, a, b, x0, y0, deg) in ellipses {
                    let t = deg * Double.pi / 180, dx = x - x0, dy = y - y0
                    let u = dx * cos(t) + dy * sin(t), w = -dx * sin(t) + dy * cos(t)
                    if (u * u) / (a * a) + (w * w) / (b * b) <= 1 { v += rho }
                }
                out[i * n + j] = v
            }
        }
        return out
    }
}
