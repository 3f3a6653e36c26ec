import CGSL
import Foundation

/// A blur with periodic boundary on an r × c image (row-major): y = k ⊛ x, computed as
/// y = F⁻¹(K̂ · F x) with GSL's mixed-radix complex FFTs, row- then column-wise. The transfer
/// function K̂ is computed once; Aᵀ multiplies by its conjugate, AᵀA by |K̂|². No dense matrix.
public final class PeriodicBlur: @unchecked Sendable {
    public let rows: Int
    public let cols: Int
    /// Read-only after creation, so every chain shares them.
    private let rowTable, colTable: UnsafeMutablePointer<gsl_fft_complex_wavetable>

    /// The point-spread function `kernel` (r × c, its centre at pixel (0, 0), wrapping around).
    public init(kernel: [Double], rows: Int, cols: Int) throws(SampoError) {
        guard rows >= 1, cols >= 1, kernel.count == rows * cols else {
            throw .invalid(.argument("blur"), "expected a \(rows) × \(cols) kernel, found \(kernel.count) numbers")
        }
        guard let rt = gsl_fft_complex_wavetable_alloc(cols), let ct = gsl_fft_complex_wavetable_alloc(rows) else {
            throw .runtime("cannot allocate FFT tables for a \(rows) × \(cols) image")
        }
        self.rows = rows; self.cols = cols; rowTable = rt; colTable = ct
        var k = [Double](repeating: 0, count: 2 * rows * cols)
        for i in 0..<(rows * cols) { k[2 * i] = kernel[i] }
        transform(&k, inverse: false)
        transferStorage = k
    }
    /// K̂ interleaved (re, im), r × c; set once in init.
    private var transferStorage: [Double] = []

    deinit { gsl_fft_complex_wavetable_free(rowTable); gsl_fft_complex_wavetable_free(colTable) }

    /// A uniform w × w box (w odd), normalised.
    public static func uniform(width w: Int, rows: Int, cols: Int) throws(SampoError) -> PeriodicBlur {
        guard w >= 1, w % 2 == 1 else { throw .usage("field 'width': expected an odd whole number ≥ 1, found \(w)") }
        guard w <= min(rows, cols) else { throw .usage("field 'width': \(w) is wider than the \(rows) × \(cols) image") }
        var k = [Double](repeating: 0, count: rows * cols)
        let h = w / 2
        for di in -h...h { for dj in -h...h { k[((di + rows) % rows) * cols + (dj + cols) % cols] = 1 / Double(w * w) } }
        return try PeriodicBlur(kernel: k, rows: rows, cols: cols)
    }

    /// A Gaussian of standard deviation sd pixels on the periodic grid, normalised.
    public static func gaussian(sd: Double, rows: Int, cols: Int) throws(SampoError) -> PeriodicBlur {
        guard sd > 0, sd.isFinite else { throw .usage("field 'sd': expected a positive number, found \(sd)") }
        guard 3 * sd <= Double(min(rows, cols)) / 2 else {
            throw .usage("field 'sd': \(sd) is too wide for the \(rows) × \(cols) image (3 sd must fit in half of it)")
        }
        var k = [Double](repeating: 0, count: rows * cols), total = 0.0
        for i in 0..<rows {
            for j in 0..<cols {
                let di = Double(min(i, rows - i)), dj = Double(min(j, cols - j))
                k[i * cols + j] = exp(-(di * di + dj * dj) / (2 * sd * sd)); total += k[i * cols + j]
            }
        }
        return try PeriodicBlur(kernel: k.map { $0 / total }, rows: rows, cols: cols)
    }

    /// max |K̂|: the operator norm of A (L_f = max|K̂|²/σ²).
    public var maxGain: Double {
        var top = 0.0
        for i in stride(from: 0, to: transferStorage.count, by: 2) {
            let re = transferStorage[i], im = transferStorage[i + 1]
            top = max(top, (re * re + im * im).squareRoot())
        }
        return top
    }

    public enum Operator: Sendable { case forward, adjoint, gram }

    /// out = A x, Aᵀx or AᵀA x (out may alias x).
    public func apply(_ op: Operator, _ x: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        let n = rows * cols
        var z = [Double](repeating: 0, count: 2 * n)
        for i in 0..<n { z[2 * i] = x[i] }
        transform(&z, inverse: false)
        transferStorage.withUnsafeBufferPointer { t in
            for i in 0..<n {
                let (a, b) = (t[2 * i], t[2 * i + 1]), (re, im) = (z[2 * i], z[2 * i + 1])
                switch op {
                case .forward: z[2 * i] = a * re - b * im; z[2 * i + 1] = a * im + b * re
                case .adjoint: z[2 * i] = a * re + b * im; z[2 * i + 1] = a * im - b * re
                case .gram: let g = a * a + b * b; z[2 * i] = g * re; z[2 * i + 1] = g * im
                }
            }
        }
        transform(&z, inverse: true)
        for i in 0..<n { out[i] = z[2 * i] }
    }

    /// Convenience (allocates).
    public func apply(_ op: Operator, _ x: [Double]) -> [Double] {
        var out = x
        x.withUnsafeBufferPointer { xp in out.withUnsafeMutableBufferPointer { apply(op, xp.baseAddress!, into: $0.baseAddress!) } }
        return out
    }

    /// In-place 2-D FFT of interleaved complex data (the inverse normalised by 1/(r·c)).
    private func transform(_ z: inout [Double], inverse: Bool) {
        let r = rows, c = cols
        z.withUnsafeMutableBufferPointer { zb in
            let p = zb.baseAddress!
            if let work = gsl_fft_complex_workspace_alloc(c) {
                for i in 0..<r {
                    if inverse { gsl_fft_complex_inverse(p + 2 * i * c, 1, c, rowTable, work) }
                    else { gsl_fft_complex_forward(p + 2 * i * c, 1, c, rowTable, work) }
                }
                gsl_fft_complex_workspace_free(work)
            }
            if let work = gsl_fft_complex_workspace_alloc(r) {
                for j in 0..<c {
                    if inverse { gsl_fft_complex_inverse(p + 2 * j, c, r, colTable, work) }
                    else { gsl_fft_complex_forward(p + 2 * j, c, r, colTable, work) }
                }
                gsl_fft_complex_workspace_free(work)
            }
        }
    }
}
