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
