import CGSL

/// GSL set-up and error mapping. GSL aborts the process on errors by default; Sampo turns
/// that off once and checks return codes instead.
public enum GSL {
    private static let handlerOff: Void = { sampo_gsl_errors_off() }()

    /// Call before any GSL routine. Idempotent and cheap.
    public static func configure() { _ = handlerOff }

    /// Maps a GSL status code to a Swift error naming what was being done.
    public static func check(_ status: Int32, _ context: String) throws(SampoError) {
        guard status != GSL_SUCCESS else { return }
        let reason = String(cString: gsl_strerror(status))
        throw SampoError.runtime("\(context): GSL error \(status) (\(reason))")
    }
}
