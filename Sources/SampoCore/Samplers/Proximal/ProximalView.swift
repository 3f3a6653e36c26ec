/// What the proximal samplers need from a target, whatever its family:
/// - the smoothed drift ∇log π_λ (Moreau–Yosida for composites, the per-component envelope
///   for Laplace mixtures, the plain gradient for smooth targets);
/// - the split U = f + g for forward–backward steps (g = 0 when the target has no proximable part).
struct ProximalView: @unchecked Sendable {
    let target: any LogDensity
    let smoothable: (any MoreauSmoothable)?
    let composite: CompositeTarget?
    let dimension: Int

    init(_ target: any LogDensity) {
        self.target = target
        smoothable = target as? any MoreauSmoothable
        composite = target as? CompositeTarget
        dimension = target.dimension
    }

    /// log π_λ(x) and ∇log π_λ(x).
    func smoothed(_ x: UnsafePointer<Double>, lambda: Double, gradient g: UnsafeMutablePointer<Double>) -> Double {
        if let smoothable { return smoothable.smoothedLogDensityAndGradient(at: x, lambda: lambda, gradient: g) }
        return target.logDensityAndGradient(at: x, gradient: g)
    }

    /// The forward–backward point prox_{τg}(x + τ∇log f(x)) into `out` (`scratch`: d doubles).
    /// Without a composite split it is x + τ∇log π_τ(x), which equals prox_{τU}(x) for the exact
    /// Moreau envelope (for Laplace mixtures, its per-component version).
    func forwardBackward(_ x: UnsafePointer<Double>, tau: Double, into out: UnsafeMutablePointer<Double>,
                         scratch: UnsafeMutablePointer<Double>) {
        if let composite {
            _ = composite.smooth.logDensityAndGradient(at: x, gradient: scratch)
            for j in 0..<dimension { scratch[j] = x[j] + tau * scratch[j] }
            composite.nonsmooth.prox(scratch, lambda: tau, into: out, dimension: dimension)
        } else {
            _ = smoothed(x, lambda: tau, gradient: scratch)
            for j in 0..<dimension { out[j] = x[j] + tau * scratch[j] }
        }
    }

    /// ∇log f and prox_{τg} for PSGLA: (gradient of the smooth part, prox of g or identity).
    func smoothGradient(_ x: UnsafePointer<Double>, into g: UnsafeMutablePointer<Double>) {
        if let composite { _ = composite.smooth.logDensityAndGradient(at: x, gradient: g) } else {
            _ = target.logDensityAndGradient(at: x, gradient: g)
        }
    }

    func proxOfNonsmooth(_ x: UnsafePointer<Double>, tau: Double, into out: UnsafeMutablePointer<Double>) {
        if let composite { composite.nonsmooth.prox(x, lambda: tau, into: out, dimension: dimension) } else {
            out.update(from: x, count: dimension)
        }
    }
}
