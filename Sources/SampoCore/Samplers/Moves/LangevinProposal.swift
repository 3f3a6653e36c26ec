/// The Langevin proposal q(y|x) = N(y; m(x), 2hI) and the log ratio log q(x|y) − log q(y|x) its
/// Metropolis correction needs: with the drift m(x) = x + h∇log π(x) (MALA, MYMALA on the
/// smoothed gradient; SMC and parallel tempering through MALA on a tempered density) or with a
/// mean computed elsewhere (P-MALA's forward–backward step). Written once so that every kernel
/// draws the same noise in the same order and rounds the same way.
public enum LangevinProposal {
    /// y = x + h·g + sd·ξ, sd = √(2h) (kernels cache it).
    @inlinable @inline(__always)
    public static func propose<N: NoiseSource>(into y: UnsafeMutablePointer<Double>, from x: UnsafePointer<Double>,
                                               gradient g: UnsafePointer<Double>, stepSize h: Double, sd: Double,
                                               _ d: Int, noise: N) {
        for j in 0..<d { y[j] = x[j] + h * g[j] + sd * noise.normal() }
    }

    /// y = m + sd·ξ.
    @inlinable @inline(__always)
    public static func propose<N: NoiseSource>(into y: UnsafeMutablePointer<Double>, mean m: UnsafePointer<Double>,
                                               sd: Double, _ d: Int, noise: N) {
        for j in 0..<d { y[j] = m[j] + sd * noise.normal() }
    }

    /// log q(x|y) − log q(y|x) = −(‖x − y − h∇(y)‖² − ‖y − x − h∇(x)‖²)/(4h).
    @inlinable @inline(__always)
    public static func logRatio(x: UnsafePointer<Double>, gradientX gx: UnsafePointer<Double>, y: UnsafePointer<Double>,
                                gradientY gy: UnsafePointer<Double>, stepSize h: Double, _ d: Int) -> Double {
        var forward = 0.0, backward = 0.0
        for j in 0..<d {
            let a = y[j] - x[j] - h * gx[j]
            let b = x[j] - y[j] - h * gy[j]
            forward += a * a
            backward += b * b
        }
        return -(backward - forward) / (4 * h)
    }

    /// log q(x|y) − log q(y|x) = −(‖x − m(y)‖² − ‖y − m(x)‖²)/(4h) for proposal means m.
    @inlinable @inline(__always)
    public static func logRatio(x: UnsafePointer<Double>, meanX mx: UnsafePointer<Double>, y: UnsafePointer<Double>,
                                meanY my: UnsafePointer<Double>, stepSize h: Double, _ d: Int) -> Double {
        var forward = 0.0, backward = 0.0
        for j in 0..<d {
            let a = y[j] - mx[j], b = x[j] - my[j]
            forward += a * a
            backward += b * b
        }
        return -(backward - forward) / (4 * h)
    }
}
