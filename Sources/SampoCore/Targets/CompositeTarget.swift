/// π ∝ exp(−f − g) with f = −log of a smooth target and g a proximable convex term.
/// `logDensityAndGradient` gives the true log density with ∇log π_f − (a subgradient of g);
/// `smoothedLogDensityAndGradient` replaces g by its Moreau–Yosida envelope g_λ; proximal
/// samplers use `smooth` and `nonsmooth` directly.
public final class CompositeTarget: MoreauSmoothable, HasKnownMoments, HasParameterNames, HasNaturalStart, HasImageTruth, @unchecked Sendable {
    public let smooth: any LogDensity
    public let nonsmooth: any ProximalTerm
    public let dimension: Int
    public var knownMoments: KnownMoments { KnownMoments() }
    /// The smooth part's names (e.g. a regression's), else x1 … xd.
    public var parameterNames: [String] {
        (smooth as? any HasParameterNames)?.parameterNames ?? NamedTarget.defaultNames(dimension)
    }
    public var imageTruth: (pixels: [Double], rows: Int, cols: Int)? { (smooth as? any HasImageTruth)?.imageTruth }
    /// The smooth part's natural start, when it has one.
    public var naturalStart: [Double]? { (smooth as? any HasNaturalStart)?.naturalStart }
    /// L of the smooth part, when it has one (g is handled by its prox, not its gradient).
    public var smoothnessConstant: Double? { (smooth as? any HasSmoothnessConstant)?.smoothnessConstant }

    public init(smooth: any LogDensity, nonsmooth: any ProximalTerm) {
        self.smooth = smooth
        self.nonsmooth = nonsmooth
        dimension = smooth.dimension
    }

    public func logDensity(at x: UnsafePointer<Double>) -> Double {
        smooth.logDensity(at: x) - nonsmooth.value(at: x, dimension: dimension)
    }

    public func logDensityAndGradient(at x: UnsafePointer<Double>, gradient g: UnsafeMutablePointer<Double>) -> Double {
        let lf = smooth.logDensityAndGradient(at: x, gradient: g)
        let gv = nonsmooth.value(at: x, dimension: dimension)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: dimension) { s in
            nonsmooth.subgradient(at: x, into: s.baseAddress!, dimension: dimension)
            for j in 0..<dimension { g[j] -= s[j] }
        }
        return lf - gv
    }

    public func smoothedLogDensityAndGradient(at x: UnsafePointer<Double>, lambda: Double,
                                              gradient g: UnsafeMutablePointer<Double>) -> Double {
        let lf = smooth.logDensityAndGradient(at: x, gradient: g)
        // One prox p serves both: g_λ(x) = g(p) + ‖x − p‖²/(2λ) and ∇g_λ(x) = (x − p)/λ (a TV prox
        // is an iterative solve, too dear to run twice).
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: dimension) { s in
            let p = s.baseAddress!
            nonsmooth.prox(x, lambda: lambda, into: p, dimension: dimension)
            var distance2 = 0.0
            for j in 0..<dimension {
                let u = x[j] - p[j]
                distance2 += u * u
                g[j] -= u / lambda
            }
            return lf - (nonsmooth.value(at: p, dimension: dimension) + distance2 / (2 * lambda))
        }
    }
}
