/// Position, velocity and cached ∇log π of a kinetic Langevin chain (velocities are internal:
/// the draws record positions only). Velocities start at 0; warm-up brings them to equilibrium.
final class KineticState {
    let d: Int
    private let buffers: VectorBuffers
    let x, v, g: UnsafeMutablePointer<Double>

    init(dimension: Int) {
        d = dimension
        buffers = VectorBuffers(dimension: d, count: 3)
        x = buffers[0]; v = buffers[1]; g = buffers[2]
    }

    /// Moves to `start` with zero velocity and caches ∇log π there (one gradient evaluation).
    func reset<T: LogDensity>(to start: UnsafePointer<Double>, target: T, counts: inout OracleCounts) -> Double {
        x.update(from: start, count: d)
        v.update(repeating: 0, count: d)
        counts.gradientEvaluations += 1
        return target.logDensityAndGradient(at: x, gradient: g)
    }

    var positionIsFinite: Bool {
        for j in 0..<d where !x[j].isFinite { return false }
        return true
    }
}

/// Friction γ as given by the `friction` parameter, or 2√L when the target knows its smoothness constant
/// L (critical damping of the stiffest direction), else 2.
public enum Friction {
    public static func resolve(_ given: Double?, target: any LogDensity) -> (value: Double, source: String) {
        if let g = given { return (g, "set") }
        let known = (target as? any HasSmoothnessConstant)?.smoothnessConstant ?? (target as? CompositeTarget)?.smoothnessConstant
        if let l = known, l.isFinite, l > 0 {
            return (2 * l.squareRoot(), "2*sqrt(L) with L = \(l)")
        }
        return (2, "default 2 (target has no smoothness constant)")
    }
}
