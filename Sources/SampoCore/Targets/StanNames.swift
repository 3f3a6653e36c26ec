/// Stan's dotted names (CmdStan's `theta.1`, `Sigma.2.3`) in the bracket form Stan programs,
/// posteriordb and ArviZ use (`theta[1]`, `Sigma[2,3]`), and back.
public enum StanNames {
    /// `theta.1` → `theta[1]`, `Sigma.2.3` → `Sigma[2,3]`; a name without numeric parts is unchanged.
    public static func bracketed(_ dotted: String) -> String {
        let parts = dotted.split(separator: ".", omittingEmptySubsequences: false)
        var base = [Substring](), indices = [Substring]()
        for p in parts {
            if !base.isEmpty, !p.isEmpty, p.allSatisfy(\.isNumber) { indices.append(p) }
            else if indices.isEmpty { base.append(p) }
            else { return dotted }   // a tuple or complex part after an index: keep Stan's spelling
        }
        return indices.isEmpty ? dotted : base.joined(separator: ".") + "[" + indices.joined(separator: ",") + "]"
    }

    /// `theta[1]` → `theta.1`, `Sigma[2,3]` → `Sigma.2.3` (CmdStan's CSV header).
    public static func dotted(_ bracketed: String) -> String {
        guard let open = bracketed.firstIndex(of: "["), bracketed.hasSuffix("]") else { return bracketed }
        let inner = bracketed[bracketed.index(after: open)..<bracketed.index(before: bracketed.endIndex)]
        return String(bracketed[..<open]) + "." + inner.split(separator: ",").joined(separator: ".")
    }
}
