/// A target with a nonsmooth part that gradient-based samplers can smooth: the potential
/// U = −log π is replaced by a Moreau–Yosida (envelope) version U_λ for the gradient, while
/// Metropolis corrections keep using the true density.
public protocol MoreauSmoothable: LogDensity {
    /// log π_λ(x) (up to the same constant as `logDensity`) and ∇log π_λ(x) into `gradient`.
    func smoothedLogDensityAndGradient(at x: UnsafePointer<Double>, lambda: Double,
                                       gradient: UnsafeMutablePointer<Double>) -> Double
}

extension MoreauSmoothable {
    /// Convenience for tests and scripts (allocates).
    public func smoothedLogDensityAndGradient(_ x: [Double], lambda: Double) -> (Double, [Double]) {
        var g = [Double](repeating: 0, count: dimension)
        let v = x.withUnsafeBufferPointer { xp in
            g.withUnsafeMutableBufferPointer {
                smoothedLogDensityAndGradient(at: xp.baseAddress!, lambda: lambda, gradient: $0.baseAddress!)
            }
        }
        return (v, g)
    }
}
