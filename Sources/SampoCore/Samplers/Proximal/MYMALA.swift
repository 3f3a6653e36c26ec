import Foundation

/// MYULA's move as a proposal, Metropolis-corrected against the true density π ∝ e^{−f−g}:
/// q(a|b) = N(a; b + h∇log π_λ(b), 2hI). Unbiased. One gradient and one density per step.
public final class MYMALA: MarkovKernel {
    let view: ProximalView
    public let stepSize: Double, lambda: Double
    public var dimension: Int { view.dimension }
    public private(set) var counts = OracleCounts()
    private let x, g, y, gy: UnsafeMutablePointer<Double>
    private var logP = -Double.infinity

    public init(target: any LogDensity, stepSize: Double, lambda: Double) {
        view = ProximalView(target)
        self.stepSize = stepSize; self.lambda = lambda
        let d = target.dimension
        x = .allocate(capacity: d); g = .allocate(capacity: d); y = .allocate(capacity: d); gy = .allocate(capacity: d)
        for p in [x, g, y, gy] { p.initialize(repeating: 0, count: d) }
    }

    deinit { for p in [x, g, y, gy] { p.deallocate() } }

    public var position: UnsafePointer<Double> { UnsafePointer(x) }

    public func reset(to start: UnsafePointer<Double>) {
        x.update(from: start, count: dimension)
        _ = view.smoothed(x, lambda: lambda, gradient: g)
        logP = view.target.logDensity(at: x)
        counts.gradientEvaluations += 1
        counts.densityEvaluations += 1
    }

    public func step(rng: RandomStream) -> Bool { advance(rng) }
    public func step(noise: ScriptedNoise) -> Bool { advance(noise) }

    private func advance<N: NoiseSource>(_ noise: N) -> Bool {
        let h = stepSize, sd = (2 * h).squareRoot(), d = dimension
        for j in 0..<d { y[j] = x[j] + h * g[j] + sd * noise.normal() }
        _ = view.smoothed(y, lambda: lambda, gradient: gy)
        let logPY = view.target.logDensity(at: y)
        counts.gradientEvaluations += 1
        counts.densityEvaluations += 1
        var forward = 0.0, backward = 0.0
        for j in 0..<d {
            let a = y[j] - x[j] - h * g[j], b = x[j] - y[j] - h * gy[j]
            forward += a * a; backward += b * b
        }
        let logAlpha = logPY - logP - (backward - forward) / (4 * h)
        guard log(noise.uniformPositive()) < logAlpha else { return false }
        x.update(from: y, count: d); g.update(from: gy, count: d)
        logP = logPY
        return true
    }
}
