import Foundation

/// g(x) = θ·TV(x), isotropic total variation of an r × c image (row-major):
/// TV(x) = Σ_ij √((x_{i+1,j} − x_ij)² + (x_{i,j+1} − x_ij)²) with forward differences and zero
/// difference past the last row or column (Neumann boundary). Its prox is Chambolle's (2004) dual
/// projection: for μ = λθ, u = x − μ·div p with
/// p ← (p + τ∇(div p − x/μ)) / (1 + τ|∇(div p − x/μ)|), τ = 1/8, until no component of p moves by
/// more than `tolerance` or after `iterations` sweeps.
public struct TotalVariationTerm: ProximalTerm {
    public let kind = "tv"
    public let rows: Int
    public let cols: Int
    public let theta: Double
    public let iterations: Int
    public let tolerance: Double

    public init(rows: Int, cols: Int, theta: Double, iterations: Int = 25, tolerance: Double = 1e-4) throws(SampoError) {
        guard theta > 0, theta.isFinite else { throw .usage("field 'theta': expected a positive number, found \(theta)") }
        guard iterations >= 1 else { throw .usage("field 'iterations': expected a whole number ≥ 1, found \(iterations)") }
        guard tolerance >= 0, tolerance.isFinite else { throw .usage("field 'tolerance': expected a number ≥ 0, found \(tolerance)") }
        self.rows = rows; self.cols = cols; self.theta = theta; self.iterations = iterations; self.tolerance = tolerance
    }

    /// Forward differences of x into (gx, gy): gx along rows (down), gy along columns (right).
    @inline(__always)
    private func gradient(_ x: UnsafePointer<Double>, _ gx: UnsafeMutablePointer<Double>, _ gy: UnsafeMutablePointer<Double>) {
        for i in 0..<rows {
            for j in 0..<cols {
                let k = i * cols + j
                gx[k] = i + 1 < rows ? x[k + cols] - x[k] : 0
                gy[k] = j + 1 < cols ? x[k + 1] - x[k] : 0
            }
        }
    }

    /// div p = −∇ᵀp (backward differences), into out.
    @inline(__always)
    private func divergence(_ px: UnsafePointer<Double>, _ py: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>) {
        for i in 0..<rows {
            for j in 0..<cols {
                let k = i * cols + j
                var v = 0.0
                if i + 1 < rows { v += px[k] }
                if i > 0 { v -= px[k - cols] }
                if j + 1 < cols { v += py[k] }
                if j > 0 { v -= py[k - 1] }
                out[k] = v
            }
        }
    }

    public func value(at x: UnsafePointer<Double>, dimension d: Int) -> Double {
        var s = 0.0
        for i in 0..<rows {
            for j in 0..<cols {
                let k = i * cols + j
                let a = i + 1 < rows ? x[k + cols] - x[k] : 0, b = j + 1 < cols ? x[k + 1] - x[k] : 0
                s += (a * a + b * b).squareRoot()
            }
        }
        return theta * s
    }

    public func prox(_ x: UnsafePointer<Double>, lambda: Double, into out: UnsafeMutablePointer<Double>, dimension d: Int) {
        let n = rows * cols, c = cols, r = rows, mu = lambda * theta, tau = 0.125, inverseMu = 1 / mu
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * n) { buffer in
            // p stays 0 on the last row (px) and last column (py): the gradient is 0 there, so
            // div p needs no boundary tests beyond the first row and column.
            let px = buffer.baseAddress!, py = px + n, t = py + n
            px.initialize(repeating: 0, count: 2 * n)
            for _ in 0..<iterations {
                // t = div p − x/μ.
                for i in 0..<r {
                    let row = i * c
                    for j in 0..<c {
                        let k = row + j
                        var v = px[k] + py[k] - x[k] * inverseMu
                        if i > 0 { v -= px[k - c] }
                        if j > 0 { v -= py[k - 1] }
                        t[k] = v
                    }
                }
                // p ← (p + τ∇t)/(1 + τ|∇t|), ∇ by forward differences (0 past the last row/column).
                var moved = 0.0
                for i in 0..<r {
                    let row = i * c, lastRow = i == r - 1
                    for j in 0..<c {
                        let k = row + j
                        let gx = lastRow ? 0 : t[k + c] - t[k]
                        let gy = j == c - 1 ? 0 : t[k + 1] - t[k]
                        let scale = 1 / (1 + tau * (gx * gx + gy * gy).squareRoot())
                        let nx = (px[k] + tau * gx) * scale, ny = (py[k] + tau * gy) * scale
                        moved = max(moved, abs(nx - px[k]), abs(ny - py[k]))
                        px[k] = nx; py[k] = ny
                    }
                }
                if moved <= tolerance { break }
            }
            // u = x − μ div p.
            for i in 0..<r {
                for j in 0..<c {
                    let k = i * c + j
                    var v = px[k] + py[k]
                    if i > 0 { v -= px[k - c] }
                    if j > 0 { v -= py[k - 1] }
                    out[k] = x[k] - mu * v
                }
            }
        }
    }

    /// θ·∇ᵀ(∇x/|∇x|) (zero where ∇x = 0): a subgradient of θ·TV.
    public func subgradient(at x: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, dimension d: Int) {
        let n = rows * cols
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * n) { buffer in
            let gx = buffer.baseAddress!, gy = gx + n
            gradient(x, gx, gy)
            for k in 0..<n {
                let norm = (gx[k] * gx[k] + gy[k] * gy[k]).squareRoot()
                if norm > 0 { gx[k] /= norm; gy[k] /= norm }
            }
            divergence(gx, gy, out)
            for k in 0..<n { out[k] *= -theta }
        }
    }
}
