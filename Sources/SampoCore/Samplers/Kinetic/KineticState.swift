/// Position, velocity and cached ∇log π of a kinetic Langevin chain (velocities are internal:
/// the draws record positions only). Velocities start at 0; warm-up brings them to equilibrium.
final class KineticState {
    let d: Int
    let x, v, g: UnsafeMutablePointer<Double>

    init(dimension: Int) {
        d = dimension
        x = .allocate(capacity: d); v = .allocate(capacity: d); g = .allocate(capacity: d)
        for p in [x, v, g] { p.initialize(repeating: 0, count: d) }
    }

    deinit { x.deallocate(); v.deallocate(); g.deallocate() }

    /// Moves to `start` with zero velocity and caches ∇log π there (one gradient evaluation).
    func reset<T: LogDensity>(to start: UnsafePointer<Double>, target: T, counts: inout OracleCounts) {
        x.update(from: start, count: d)
        v.update(repeating: 0, count: d)
        _ = target.logDensityAndGradient(at: x, gradient: g)
        counts.gradientEvaluations += 1
    }

    var positionIsFinite: Bool {
        for j in 0..<d where !x[j].isFinite { return false }
        return true
    }
}

/// Friction γ as set by `--set friction=…`, or 2√L when the target knows its smoothness constant
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
