/// A kernel on a concrete target that keeps the gradient at its position (vector 1 of its
/// buffers): what ULA, RLMC and the Hamiltonian kernels share, with their `reset`.
public class GradientKernelBase<Target: LogDensity>: KernelBase {
    public let target: Target
    /// ∇log π at x.
    let grad: UnsafeMutablePointer<Double>

    init(target: Target, buffers: VectorBuffers, stepSize: Double) {
        self.target = target
        grad = buffers[1]
        super.init(buffers: buffers, stepSize: stepSize)
    }

    /// Moves to `start` and caches ∇log π there (one gradient evaluation); returns log π.
    @discardableResult
    public func reset(to start: UnsafePointer<Double>) -> Double { move(to: start, on: target, gradient: grad) }
}
