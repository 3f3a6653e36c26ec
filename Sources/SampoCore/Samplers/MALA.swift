import Foundation

/// Metropolis-adjusted Langevin: propose y = x + h∇log π(x) + √(2h) ξ and accept with
/// log α = log π(y) − log π(x) − (‖x − y − h∇log π(y)‖² − ‖y − x − h∇log π(x)‖²)/(4h).
/// A rejection repeats x. One gradient per step.
public final class MALA<Target: LogDensity>: MarkovKernel {
    public let target: Target
    public let stepSize: Double
    public let dimension: Int
    public private(set) var counts = OracleCounts()
    private let x, grad, y, gradY: UnsafeMutablePointer<Double>
    private var logP = -Double.infinity
    private let noiseScale: Double

    public init(target: Target, stepSize: Double) {
        self.target = target
        self.stepSize = stepSize
        dimension = target.dimension
        noiseScale = (2 * stepSize).squareRoot()
        let d = dimension
        x = .allocate(capacity: d); grad = .allocate(capacity: d)
        y = .allocate(capacity: d); gradY = .allocate(capacity: d)
        for p in [x, grad, y, gradY] { p.initialize(repeating: 0, count: d) }
    }

    deinit { x.deallocate(); grad.deallocate(); y.deallocate(); gradY.deallocate() }

    public var position: UnsafePointer<Double> { UnsafePointer(x) }

    public func reset(to start: UnsafePointer<Double>) {
        x.update(from: start, count: dimension)
        logP = target.logDensityAndGradient(at: x, gradient: grad)
        counts.gradientEvaluations += 1
    }

    public func step(rng: RandomStream) -> Bool { advance(rng) }
    public func step(noise: ScriptedNoise) -> Bool { advance(noise) }

    @inline(__always)
    private func advance<N: NoiseSource>(_ rng: N) -> Bool {
        let d = dimension, h = stepSize
        for j in 0..<d { y[j] = x[j] + h * grad[j] + noiseScale * rng.normal() }
        let logPY = target.logDensityAndGradient(at: y, gradient: gradY)
        counts.gradientEvaluations += 1
        var forward = 0.0, backward = 0.0
        for j in 0..<d {
            let a = y[j] - x[j] - h * grad[j]
            let b = x[j] - y[j] - h * gradY[j]
            forward += a * a
            backward += b * b
        }
        let logAlpha = logPY - logP - (backward - forward) / (4 * h)
        // A NaN log α (non-finite proposal) compares false: the proposal is rejected. When
        // log α ≥ 0 the move is accepted for every u, so no uniform is drawn.
        guard logAlpha >= 0 || log(rng.uniformPositive()) < logAlpha else { return false }
        swap(x, y, d); swap(grad, gradY, d)
        logP = logPY
        return true
    }

    @inline(__always)
    private func swap(_ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>, _ n: Int) {
        a.update(from: b, count: n)
    }
}
