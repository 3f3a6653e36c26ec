import Foundation

/// The Müller–Brown potential V(x, y) = Σ_{i=1}^{4} A_i exp(a_i(x−X_i)² + b_i(x−X_i)(y−Y_i) + c_i(y−Y_i)²),
/// sampled as π ∝ exp(−V/T) at temperature T. Three minima; no exact sampler.
public struct MuellerBrown: LogDensity {
    public var dimension: Int { 2 }
    public let temperature: Double
    static let A = [-200.0, -100, -170, 15], a = [-1.0, -1, -6.5, 0.7], b = [0.0, 0, 11, 0.6]
    static let c = [-10.0, -10, -6.5, 0.7], X = [1.0, 0, -0.5, -1], Y = [0.0, 0.5, 1.5, 1]

    public init(temperature: Double = 10) throws(SampoError) {
        guard temperature.isFinite, temperature > 0 else {
            throw .invalid(.argument("temperature"), "expected a positive finite number, found \(temperature)")
        }
        self.temperature = temperature
    }

    public func logDensity(at p: UnsafePointer<Double>) -> Double {
        var v = 0.0
        for i in 0..<4 {
            let dx = p[0] - Self.X[i], dy = p[1] - Self.Y[i]
            v += Self.A[i] * exp(Self.a[i] * dx * dx + Self.b[i] * dx * dy + Self.c[i] * dy * dy)
        }
        return -v / temperature
    }

    public func logDensityAndGradient(at p: UnsafePointer<Double>, gradient g: UnsafeMutablePointer<Double>) -> Double {
        var v = 0.0, gx = 0.0, gy = 0.0
        for i in 0..<4 {
            let dx = p[0] - Self.X[i], dy = p[1] - Self.Y[i]
            let t = Self.A[i] * exp(Self.a[i] * dx * dx + Self.b[i] * dx * dy + Self.c[i] * dy * dy)
            v += t
            gx += t * (2 * Self.a[i] * dx + Self.b[i] * dy)
            gy += t * (Self.b[i] * dx + 2 * Self.c[i] * dy)
        }
        g[0] = -gx / temperature
        g[1] = -gy / temperature
        return -v / temperature
    }
}
