import Foundation

/// The maximum a posteriori point of a composite target π ∝ exp(−f − g) by FISTA (Beck & Teboulle
/// 2009): x_k = prox_{g/L}(y_k − ∇f(y_k)/L), t_{k+1} = (1 + √(1 + 4t_k²))/2,
/// y_{k+1} = x_k + ((t_k − 1)/t_{k+1})(x_k − x_{k−1}), with L the smooth part's constant. The prox
/// machinery is the samplers' own (for TV, Chambolle's sweeps), so the MAP and the posterior mean
/// of MYULA/PSGLA/P-MALA rest on the same operators.
public enum CompositeMAP {
    public struct Result: Sendable {
        public var point: [Double]
        /// F(x_k) = f(x_k) + g(x_k) (−log π up to its constant) after the iterations in
        /// `objectiveIterations`: every one up to `historyCap` (4 096 by default), then evenly thinned (the stride doubles
        /// when the history fills), the last always kept — memory stays bounded however long it runs.
        public var objective: [Double]
        public var objectiveIterations: [Int]
    }

    /// Largest number of objective values kept.
    public static let historyCap = 4096

    public static func fista(_ target: CompositeTarget, start: [Double], iterations: Int,
                             historyCap: Int = CompositeMAP.historyCap) throws(SampoError) -> Result {
        let d = target.dimension
        guard start.count == d else { throw .invalid(.argument("start"), "expected \(d) numbers, found \(start.count)") }
        guard iterations >= 1 else { throw .invalid(.argument("iterations"), "expected a whole number ≥ 1, found \(iterations)") }
        guard let lipschitz = target.smoothnessConstant, lipschitz > 0, lipschitz.isFinite else {
            throw .invalid(.argument("target"), "FISTA needs the smooth part's constant L, which this target does not know")
        }
        let step = 1 / lipschitz
        var x = start, previous = start, y = start, gradient = [Double](repeating: 0, count: d), t = 1.0
        var objective: [Double] = [], kept: [Int] = [], stride = 1
        for k in 1...iterations {
            y.withUnsafeBufferPointer { yp in gradient.withUnsafeMutableBufferPointer { _ = target.smooth.logDensityAndGradient(at: yp.baseAddress!, gradient: $0.baseAddress!) } }
            // ∇log π_f = −∇f: a gradient step on f is y + ∇log π_f / L.
            for j in 0..<d { gradient[j] = y[j] + step * gradient[j] }
            previous = x
            gradient.withUnsafeBufferPointer { gp in x.withUnsafeMutableBufferPointer { target.nonsmooth.prox(gp.baseAddress!, lambda: step, into: $0.baseAddress!, dimension: d) } }
            let next = (1 + (1 + 4 * t * t).squareRoot()) / 2
            for j in 0..<d { y[j] = x[j] + (t - 1) / next * (x[j] - previous[j]) }
            t = next
            let value = x.withUnsafeBufferPointer { -target.smooth.logDensity(at: $0.baseAddress!) + target.nonsmooth.value(at: $0.baseAddress!, dimension: d) }
            guard value.isFinite else { throw .runtime("FISTA: the objective became non-finite at iteration \(k)") }
            if k % stride == 0 || k == iterations {
                objective.append(value); kept.append(k)
                if objective.count >= max(historyCap, 2) && k != iterations {
                    // Keep every other entry (the multiples of the doubled stride).
                    stride *= 2
                    let keep = kept.indices.filter { kept[$0] % stride == 0 }
                    objective = keep.map { objective[$0] }; kept = keep.map { kept[$0] }
                }
            }
        }
        return Result(point: x, objective: objective, objectiveIterations: kept)
    }
}
