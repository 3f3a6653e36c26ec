import Foundation

/// Small dense linear algebra for target set-up (not on hot paths): Cholesky factors and the
/// inverse of a symmetric positive-definite matrix. Matrices are row-major `[Double]`.
public enum Cholesky {
    /// Why a factorisation failed.
    public enum Failure: Error, Equatable {
        case notSquare, notSymmetric(row: Int, column: Int), notPositiveDefinite, notFinite
    }

    /// The lower factor L with A = L Lᵀ.
    public static func factor(_ a: [Double], dimension d: Int) throws(Failure) -> [Double] {
        guard a.count == d * d else { throw .notSquare }
        guard a.allSatisfy({ $0.isFinite }) else { throw .notFinite }
        for i in 0..<d {
            for j in 0..<i {
                let x = a[i * d + j], y = a[j * d + i]
                if abs(x - y) > 1e-12 * max(1, abs(x), abs(y)) { throw .notSymmetric(row: i + 1, column: j + 1) }
            }
        }
        var l = [Double](repeating: 0, count: d * d)
        for j in 0..<d {
            var diag = a[j * d + j]
            for k in 0..<j { diag -= l[j * d + k] * l[j * d + k] }
            guard diag > 0, diag.isFinite else { throw .notPositiveDefinite }
            let ljj = diag.squareRoot()
            l[j * d + j] = ljj
            for i in (j + 1)..<max(j + 1, d) {
                var s = a[i * d + j]
                for k in 0..<j { s -= l[i * d + k] * l[j * d + k] }
                l[i * d + j] = s / ljj
            }
        }
        return l
    }

    /// A⁻¹ from the lower factor L of A: (L Lᵀ)⁻¹ = L⁻ᵀ L⁻¹.
    public static func inverse(fromFactor l: [Double], dimension d: Int) -> [Double] {
        // Invert L column by column by forward substitution.
        var linv = [Double](repeating: 0, count: d * d)
        for c in 0..<d {
            for i in c..<d {
                var s = i == c ? 1.0 : 0.0
                for k in c..<i { s -= l[i * d + k] * linv[k * d + c] }
                linv[i * d + c] = s / l[i * d + i]
            }
        }
        var inv = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0...i {
                var s = 0.0
                for k in i..<d { s += linv[k * d + i] * linv[k * d + j] }
                inv[i * d + j] = s
                inv[j * d + i] = s
            }
        }
        return inv
    }

    /// log det A = 2 Σ log L_ii.
    public static func logDeterminant(fromFactor l: [Double], dimension d: Int) -> Double {
        var s = 0.0
        for i in 0..<d { s += log(l[i * d + i]) }
        return 2 * s
    }
}
