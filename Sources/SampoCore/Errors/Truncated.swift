/// User text echoed in a message is cut to a readable length: a 1 MB key in a file must not come
/// back as a 1 MB error.
public enum Truncated {
    public static func text(_ s: String, limit: Int = 60) -> String {
        guard s.count > limit else { return s }
        return String(s.prefix(limit)) + "… (\(s.utf8.count) bytes)"
    }
}
