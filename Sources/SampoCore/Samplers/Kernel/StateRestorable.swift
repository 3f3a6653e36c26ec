/// A kernel whose state can be installed from values computed elsewhere, without an oracle call:
/// parallel tempering's swaps and SMC's particles arrive with their log density (and gradient)
/// already known.
public protocol StateRestorable: MarkovKernel {
    /// Moves to `position` with log density `logDensity` and, for gradient kernels, ∇log density
    /// `gradient` there (ignored by kernels that cache none).
    func restore(position: UnsafePointer<Double>, logDensity: Double, gradient: UnsafePointer<Double>?)
}
