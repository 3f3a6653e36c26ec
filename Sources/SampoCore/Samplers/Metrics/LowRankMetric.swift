/// A low-rank-plus-diagonal inverse metric M⁻¹ = D(I + Σᵢ (λᵢ − 1) uᵢuᵢᵀ)D with D = diag(σ) and
/// orthonormal uᵢ (nutpie's `low_rank_modified_mass_matrix`): the diagonal rescaling σ and the k
/// directions in which the rescaled posterior's scale still differs from 1 by more than the cut-off.
/// Applying it and drawing a momentum cost O(d·k); the d × d matrix is never formed.
public struct LowRankMetric: Sendable, Equatable {
    /// σ: the diagonal scale (M⁻¹'s diagonal part is σ²).
    public let scales: [Double]
    /// λᵢ, the kept eigenvalues (the variance in direction uᵢ after rescaling by σ).
    public let eigenvalues: [Double]
    /// uᵢ, row-major k × d: vector i is `vectors[i*d ..< (i+1)*d]`.
    public let vectors: [Double]

    public var dimension: Int { scales.count }
    public var rank: Int { eigenvalues.count }

    /// Checks the shapes, positivity and orthonormality (to 10⁻⁶) of what it is given.
    public init(scales: [Double], eigenvalues: [Double], vectors: [Double]) throws(SampoError) {
        let d = scales.count, k = eigenvalues.count
        guard d > 0, scales.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw .invalid(.samplerParameter("metric"), "expected \(d) positive finite scales for the low-rank metric")
        }
        guard eigenvalues.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw .invalid(.samplerParameter("metric"), "expected positive finite eigenvalues for the low-rank metric")
        }
        guard vectors.count == k * d, vectors.allSatisfy(\.isFinite) else {
            throw .invalid(.samplerParameter("metric"), "expected \(k) eigenvectors of length \(d) (\(k * d) numbers), got \(vectors.count)")
        }
        for i in 0..<k {
            for j in 0...i {
                var s = 0.0
                for c in 0..<d { s += vectors[i * d + c] * vectors[j * d + c] }
                guard abs(s - (i == j ? 1 : 0)) < 1e-6 else {
                    throw .invalid(.samplerParameter("metric"), "the low-rank metric's eigenvectors \(j + 1) and \(i + 1) are not orthonormal (dot product \(s))")
                }
            }
        }
        self.scales = scales; self.eigenvalues = eigenvalues; self.vectors = vectors
    }

    /// σ², the diagonal of M⁻¹ without the low-rank part.
    public var variances: [Double] { scales.map { $0 * $0 } }

    /// The d × d matrix M⁻¹, row-major (for tests and small reports; O(d²·k)).
    public var dense: [Double] {
        let d = dimension
        var m = [Double](repeating: 0, count: d * d)
        for a in 0..<d {
            for b in 0..<d {
                var s = a == b ? 1.0 : 0.0
                for i in 0..<rank { s += (eigenvalues[i] - 1) * vectors[i * d + a] * vectors[i * d + b] }
                m[a * d + b] = scales[a] * s * scales[b]
            }
        }
        return m
    }
}
