/// Moreau–Yosida unadjusted Langevin (Durmus–Moulines–Pereyra 2018):
/// x' = x − h∇f(x) − (h/λ)(x − prox_{λg}(x)) + √(2h) ξ, i.e. ULA on the smoothed target π_λ.
public final class MYULA: MarkovKernel {
    let view: ProximalView
    public let stepSize: Double, lambda: Double
    public var dimension: Int { view.dimension }
    public private(set) var counts = OracleCounts()
    private let x, g: UnsafeMutablePointer<Double>

    public init(target: any LogDensity, stepSize: Double, lambda: Double) {
        view = ProximalView(target)
        self.stepSize = stepSize; self.lambda = lambda
        x = .allocate(capacity: target.dimension); g = .allocate(capacity: target.dimension)
        x.initialize(repeating: 0, count: target.dimension); g.initialize(repeating: 0, count: target.dimension)
    }

    deinit { x.deallocate(); g.deallocate() }

    public var position: UnsafePointer<Double> { UnsafePointer(x) }

    public func reset(to start: UnsafePointer<Double>) {
        x.update(from: start, count: dimension)
        _ = view.smoothed(x, lambda: lambda, gradient: g)
        counts.gradientEvaluations += 1
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
