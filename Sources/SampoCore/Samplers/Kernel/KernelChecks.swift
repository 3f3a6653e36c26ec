/// Checks every kernel makes on its settings before it allocates anything, so a kernel built
/// directly from Swift refuses what the registry would refuse.
package enum KernelChecks {
    /// A step size must be positive and finite.
    package static func stepSize(_ h: Double) throws(SampoError) {
        guard h.isFinite, h > 0 else { throw .invalid(.stepSize, "expected a positive finite number, found \(h)") }
    }

    /// A scale or rate parameter (λ, γ) must be positive and finite.
    package static func positive(_ value: Double, _ name: String) throws(SampoError) {
        guard value.isFinite, value > 0 else {
            throw .invalid(.samplerParameter(name), "expected a positive finite number, found \(value)")
        }
    }

    /// A target must have at least one coordinate.
    package static func dimension(_ d: Int) throws(SampoError) {
        guard d >= 1 else { throw .invalid(.argument("dimension"), "expected at least 1, found \(d)") }
    }
}
