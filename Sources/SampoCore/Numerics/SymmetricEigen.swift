import CGSL

/// Eigen-decompositions of small symmetric matrices (set-up code, not hot paths), by GSL's
/// symmetric QR solver (`gsl_eigen_symmv`): the one home of dense eigenvalue problems (bias laws,
/// rdMC's fitted proposal, the smoothness constants of Gaussian and regression targets).
/// Matrices are row-major `[Double]`; only the lower triangle is read.
public enum SymmetricEigen {
    /// (values, vectors), eigenvalues in descending order (principal directions first), vectors
    /// row-major with column k the unit eigenvector of values[k]. A non-finite matrix gives NaN values.
    public static func decompose(_ matrix: [Double], dimension d: Int) -> (values: [Double], vectors: [Double]) {
        guard d > 0, matrix.count == d * d else { return ([], []) }
        guard matrix.allSatisfy(\.isFinite) else { return (Array(repeating: .nan, count: d), Array(repeating: .nan, count: d * d)) }
        GSL.configure()
        var a = matrix, values = [Double](repeating: 0, count: d), vectors = [Double](repeating: 0, count: d * d)
        a.withUnsafeMutableBufferPointer { ab in
            values.withUnsafeMutableBufferPointer { vb in
                vectors.withUnsafeMutableBufferPointer { eb in
                    var m = gsl_matrix_view_array(ab.baseAddress, d, d)
                    var eval = gsl_vector_view_array(vb.baseAddress, d)
                    var evec = gsl_matrix_view_array(eb.baseAddress, d, d)
                    guard let work = gsl_eigen_symmv_alloc(d) else { return }
                    _ = gsl_eigen_symmv(&m.matrix, &eval.vector, &evec.matrix, work)
                    gsl_eigen_symmv_free(work)
                    _ = gsl_eigen_symmv_sort(&eval.vector, &evec.matrix, GSL_EIGEN_SORT_VAL_DESC)
                }
            }
        }
        return (values, vectors)
    }

    /// The largest eigenvalue (0 for an empty matrix).
    public static func largestEigenvalue(_ matrix: [Double], dimension d: Int) -> Double {
        decompose(matrix, dimension: d).values.first ?? 0
    }
}
