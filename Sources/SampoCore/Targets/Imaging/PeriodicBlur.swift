import CGSL
import Foundation

/// A blur with periodic boundary on an r × c image (row-major): y = k ⊛ x, computed as
/// y = F⁻¹(K̂ · F x) with GSL's mixed-radix FFTs: real transforms of the rows, then complex
/// transforms of the c/2 + 1 columns of their half spectra (a real image's spectrum is Hermitian,
/// so the other half is never formed). The transfer function K̂ is computed once; Aᵀ multiplies by
/// its conjugate, AᵀA by |K̂|². No dense matrix; calls allocate nothing once a workspace exists.
public final class PeriodicBlur: @unchecked Sendable {
    public let rows: Int
    public let cols: Int
    /// Columns of the half spectrum.
    let halfCols: Int
    /// Read-only after creation, so every chain shares them.
    private let realTable: UnsafeMutablePointer<gsl_fft_real_wavetable>
    private let halfTable: UnsafeMutablePointer<gsl_fft_halfcomplex_wavetable>
    private let colTable: UnsafeMutablePointer<gsl_fft_complex_wavetable>
    /// K̂ on the half spectrum, interleaved (re, im), r × (c/2 + 1); set once in init.
    private var transfer: [Double] = []
    /// Workspaces of finished calls, handed to the next (one per concurrent caller at most).
    private let workspaces: ReusePool<Workspace>

    /// The point-spread function `kernel` (r × c, its centre at pixel (0, 0), wrapping around).
    public init(kernel: [Double], rows: Int, cols: Int) throws(SampoError) {
        guard rows >= 1, cols >= 1, kernel.count == rows * cols else {
            throw .invalid(.argument("blur"), "expected a \(rows) × \(cols) kernel, found \(kernel.count) numbers")
        }
        GSL.configure()
        guard let rt = gsl_fft_real_wavetable_alloc(cols), let ht = gsl_fft_halfcomplex_wavetable_alloc(cols),
              let ct = gsl_fft_complex_wavetable_alloc(rows) else {
            throw .runtime("cannot allocate FFT tables for a \(rows) × \(cols) image")
        }
        self.rows = rows; self.cols = cols; halfCols = cols / 2 + 1
        realTable = rt; halfTable = ht; colTable = ct
        workspaces = ReusePool { Workspace(rows: rows, cols: cols) }
        workspaces.with { work in
            kernel.withUnsafeBufferPointer { forward($0.baseAddress!, into: work) }
            transfer = Array(UnsafeBufferPointer(start: work.spectrum, count: 2 * rows * halfCols))
        }
    }

    deinit {
        gsl_fft_real_wavetable_free(realTable)
        gsl_fft_halfcomplex_wavetable_free(halfTable)
        gsl_fft_complex_wavetable_free(colTable)
    }

    /// Scratch for one call: the half spectrum, one row, and GSL's workspaces.
    final class Workspace: @unchecked Sendable {
        let spectrum: UnsafeMutablePointer<Double>
        let row: UnsafeMutablePointer<Double>
        let realWork: UnsafeMutablePointer<gsl_fft_real_workspace>?
        let complexWork: UnsafeMutablePointer<gsl_fft_complex_workspace>?
        let spectrumCount: Int

        init(rows: Int, cols: Int) {
            spectrumCount = 2 * rows * (cols / 2 + 1)
            spectrum = .allocate(capacity: spectrumCount)
            spectrum.initialize(repeating: 0, count: spectrumCount)
            row = .allocate(capacity: cols)
            row.initialize(repeating: 0, count: cols)
            realWork = gsl_fft_real_workspace_alloc(cols)
            complexWork = gsl_fft_complex_workspace_alloc(rows)
        }

        deinit {
            spectrum.deallocate(); row.deallocate()
            if let w = realWork { gsl_fft_real_workspace_free(w) }
            if let w = complexWork { gsl_fft_complex_workspace_free(w) }
        }
    }

    /// A uniform w × w box (w odd), normalised.
    public static func uniform(width w: Int, rows: Int, cols: Int) throws(SampoError) -> PeriodicBlur {
        guard w >= 1, w % 2 == 1 else { throw .invalid(.argument("width"), "expected an odd whole number ≥ 1, found \(w)") }
        guard w <= min(rows, cols) else { throw .invalid(.argument("width"), "\(w) is wider than the \(rows) × \(cols) image") }
        var k = [Double](repeating: 0, count: rows * cols)
        let h = w / 2
        for di in -h...h { for dj in -h...h { k[((di + rows) % rows) * cols + (dj + cols) % cols] = 1 / Double(w * w) } }
        return try PeriodicBlur(kernel: k, rows: rows, cols: cols)
    }

    /// A Gaussian of standard deviation sd pixels on the periodic grid, normalised.
    public static func gaussian(sd: Double, rows: Int, cols: Int) throws(SampoError) -> PeriodicBlur {
        guard sd > 0, sd.isFinite else { throw .invalid(.argument("sd"), "expected a positive number, found \(sd)") }
        guard 3 * sd <= Double(min(rows, cols)) / 2 else {
            throw .invalid(.argument("sd"), "\(sd) is too wide for the \(rows) × \(cols) image (3 sd must fit in half of it)")
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

    /// max |K̂|: the operator norm of A (L_f = max|K̂|²/σ²). The half spectrum holds every value.
    public var maxGain: Double {
        var top = 0.0
        for i in stride(from: 0, to: transfer.count, by: 2) {
            let re = transfer[i], im = transfer[i + 1]
            top = max(top, (re * re + im * im).squareRoot())
        }
        return top
    }

    public enum Operator: Sendable { case forward, adjoint, gram }

    /// out = A x, Aᵀx or AᵀA x (out may alias x).
    public func apply(_ op: Operator, _ x: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        let work = workspaces.borrow()
        defer { workspaces.giveBack(work) }
        forward(x, into: work)
        let z = work.spectrum
        transfer.withUnsafeBufferPointer { t in
            for i in 0..<(rows * halfCols) {
                let (a, b) = (t[2 * i], t[2 * i + 1]), (re, im) = (z[2 * i], z[2 * i + 1])
                switch op {
                case .forward: z[2 * i] = a * re - b * im; z[2 * i + 1] = a * im + b * re
                case .adjoint: z[2 * i] = a * re + b * im; z[2 * i + 1] = a * im - b * re
                case .gram: let g = a * a + b * b; z[2 * i] = g * re; z[2 * i + 1] = g * im
                }
            }
        }
        inverse(work, into: out)
    }

    /// Convenience (allocates).
    public func apply(_ op: Operator, _ x: [Double]) -> [Double] {
        var out = x
        x.withUnsafeBufferPointer { xp in out.withUnsafeMutableBufferPointer { apply(op, xp.baseAddress!, into: $0.baseAddress!) } }
        return out
    }

    /// The half spectrum of x into `work.spectrum`: each row's real FFT unpacked from GSL's
    /// half-complex order (z₀ real; z_k at 2k − 1, 2k; z_{c/2} real last when c is even), then
    /// the complex FFT of each of the c/2 + 1 columns.
    private func forward(_ x: UnsafePointer<Double>, into work: Workspace) {
        let c = cols, h = halfCols, z = work.spectrum, row = work.row
        let realWork = work.realWork
        for i in 0..<rows {
            row.update(from: x + i * c, count: c)
            gsl_fft_real_transform(row, 1, c, realTable, realWork)
            let zi = z + 2 * i * h
            zi[0] = row[0]; zi[1] = 0
            for k in stride(from: 1, to: h, by: 1) {
                if 2 * k < c { zi[2 * k] = row[2 * k - 1]; zi[2 * k + 1] = row[2 * k] }
                else { zi[2 * k] = row[c - 1]; zi[2 * k + 1] = 0 }   // the Nyquist term of an even row
            }
        }
        let complexWork = work.complexWork
        for j in 0..<h { gsl_fft_complex_forward(z + 2 * j, h, rows, colTable, complexWork) }
    }

    /// The real image whose half spectrum is `work.spectrum` (normalised by 1/(r·c)), into `out`.
    /// Imaginary parts that a Hermitian spectrum must not have (of z₀ and z_{c/2}) are dropped:
    /// the result is the real part of the full inverse.
    private func inverse(_ work: Workspace, into out: UnsafeMutablePointer<Double>) {
        let c = cols, h = halfCols, z = work.spectrum, row = work.row
        let complexWork = work.complexWork
        for j in 0..<h { gsl_fft_complex_inverse(z + 2 * j, h, rows, colTable, complexWork) }
        let realWork = work.realWork
        for i in 0..<rows {
            let zi = z + 2 * i * h
            row[0] = zi[0]
            for k in stride(from: 1, to: h, by: 1) {
                if 2 * k < c { row[2 * k - 1] = zi[2 * k]; row[2 * k] = zi[2 * k + 1] }
                else { row[c - 1] = zi[2 * k] }
            }
            gsl_fft_halfcomplex_inverse(row, 1, c, halfTable, realWork)
            (out + i * c).update(from: row, count: c)
        }
    }
}
