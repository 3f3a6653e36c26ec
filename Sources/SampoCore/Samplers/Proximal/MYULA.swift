/// Moreau–Yosida unadjusted Langevin (Durmus–Moulines–Pereyra 2018):
/// x' = x − h∇f(x) − (h/λ)(x − prox_{λg}(x)) + √(2h) ξ, i.e. ULA on the smoothed target π_λ.
public final class MYULA: MarkovKernel {
    let view: ProximalView
    public let stepSize: Double, lambda: Double
    public var dimension: Int { view.dimension }
    @exclusivity(unchecked) public private(set) var counts = OracleCounts()
    private let buffers: VectorBuffers
    private let x, g: UnsafeMutablePointer<Double>

    public init(target: any LogDensity, stepSize: Double, lambda: Double) throws(SampoError) {
        try KernelChecks.stepSize(stepSize)
        try KernelChecks.positive(lambda, "lambda")
        try KernelChecks.dimension(target.dimension)
        view = ProximalView(target)
        self.stepSize = stepSize; self.lambda = lambda
        buffers = VectorBuffers(dimension: target.dimension, count: 2)
        x = buffers[0]; g = buffers[1]
    }

    public var position: UnsafePointer<Double> { UnsafePointer(x) }
    public var positionIsFinite: Bool { VectorBuffers.allFinite(x, dimension) }

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
