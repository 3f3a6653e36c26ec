/// Splitting chains in halves (Vehtari et al. 2021): each chain of N draws becomes its first
/// ⌊N/2⌋ and its last ⌊N/2⌋ draws; an odd N drops the middle draw.
public enum SplitChains {
    public static func split(_ chains: [[Double]]) -> [[Double]] {
        var out: [[Double]] = []
        for c in chains {
            let half = c.count / 2
            out.append(Array(c[0..<half]))
            out.append(Array(c[(c.count - half)...]))
        }
        return out
    }
}
