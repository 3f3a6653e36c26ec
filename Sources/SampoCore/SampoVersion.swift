/// The version of Sampo that writes a file: checkpoints refuse to resume under another one (its
/// kernels might step differently), and reports name it.
public enum SampoVersion {
    public static let current = "0.29.0"
}
