/// Moreau–Yosida unadjusted Langevin (Durmus–Moulines–Pereyra 2018):
/// x' = x − h∇f(x) − (h/λ)(x − prox_{λg}(x)) + √(2h) ξ, i.e. ULA on the smoothed target π_λ.
public final class MYULA: KernelBase, MarkovKernel {
    let view: ProximalView
    public let lambda: Double
    private let g: UnsafeMutablePointer<Double>

    public init(target: any LogDensity, stepSize: Double, lambda: Double) throws(SampoError) {
        try KernelChecks.positive(lambda, "lambda")
        let buffers = try Self.allocate(dimension: target.dimension, stepSize: stepSize, vectors: 2)
        view = ProximalView(target)
        self.lambda = lambda
        g = buffers[1]
        super.init(buffers: buffers, stepSize: stepSize)
    }

    @discardableResult
    public func reset(to start: UnsafePointer<Double>) -> Double {
        x.update(from: start, count: dimension)
        counts.gradientEvaluations += 1
        return view.smoothed(x, lambda: lambda, gradient: g)
    }

    public func step(rng: RandomStream) -> Bool { advance(rng) }
    public func step(noise: ScriptedNoise) -> Bool { advance(noise) }

    private func advance<N: NoiseSource>(_ noise: N) -> Bool {
        let sd = (2 * stepSize).squareRoot()
        for j in 0..<dimension { x[j] += stepSize * g[j] + sd * noise.normal() }
        _ = view.smoothed(x, lambda: lambda, gradient: g)
        counts.gradientEvaluations += 1
        return true
    }
}
