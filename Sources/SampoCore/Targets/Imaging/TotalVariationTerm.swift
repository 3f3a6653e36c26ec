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
    /// The dual field and two rows of its divergence for one prox call, reused across calls.
    private let scratch: ReusePool<ScratchBuffer<Double>>

    public init(rows: Int, cols: Int, theta: Double, iterations: Int = 25, tolerance: Double = 1e-4) throws(SampoError) {
        guard theta > 0, theta.isFinite else { throw .invalid(.argument("theta"), "expected a positive number, found \(theta)") }
        guard iterations >= 1 else { throw .invalid(.argument("iterations"), "expected a whole number ≥ 1, found \(iterations)") }
        guard tolerance >= 0, tolerance.isFinite else { throw .invalid(.argument("tolerance"), "expected a number ≥ 0, found \(tolerance)") }
        self.rows = rows; self.cols = cols; self.theta = theta; self.iterations = iterations; self.tolerance = tolerance
        let count = 2 * rows * cols + 3 * cols + 1
        scratch = ReusePool { ScratchBuffer<Double>(count: count) }
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
        let n = rows * cols, c = cols, r = rows, mu = lambda * theta, inverseMu = 1 / mu
        let work = scratch.borrow()
        defer { scratch.giveBack(work) }
        // p stays 0 on the last row (px) and last column (py): the gradient is 0 there. With a zero
        // row before px and a zero before py, div p reads px[k − c] and py[k − 1] without tests
        // (py's last column supplies the zero before each row), so the loops are branch-free and
        // the compiler vectorises them. t = div p − x/μ lives in two rows only: row i + 1 is formed
        // (from p's rows i and i + 1, not yet updated) just before p's row i is, so a sweep reads
        // x and p once, not twice.
        let px = work.base + c, py = px + n + 1, tRows = py + n
        work.base.initialize(repeating: 0, count: work.count)
        func formT(_ i: Int) -> UnsafeMutablePointer<Double> {
            let t = tRows + (i & 1) * c, row = i * c
            for j in 0..<c {
                let k = row &+ j
                t[j] = px[k] + py[k] - x[k] * inverseMu - px[k &- c] - py[k &- 1]
            }
            return t
        }
        for _ in 0..<iterations {
            // p ← (p + τ∇t)/(1 + τ|∇t|), ∇ by forward differences (0 past the last row/column).
            var moved = false
            var t = formT(0)
            for i in 0..<(r - 1) {
                let next = formT(i + 1), row = i &* c
                moved = Self.sweep(px + row, py + row, t, next, count: c - 1, tolerance: tolerance) || moved
                moved = Self.sweep(px + row + c - 1, nil, t + c - 1, next + c - 1, count: 1, tolerance: tolerance) || moved
                t = next
            }
            moved = Self.sweep(nil, py + (r - 1) * c, t, t, count: c - 1, tolerance: tolerance) || moved
            if !moved { break }
        }
        // u = x − μ div p.
        for k in 0..<n { out[k] = x[k] - mu * (px[k] + py[k] - px[k &- c] - py[k &- 1]) }
    }

    /// Chambolle's update of `count` consecutive dual pixels of one row (px, py at the offsets of
    /// t, the row's t, and next, the next row's; nil px: the last row, whose row difference is 0;
    /// nil py: the last column). Returns whether any component moved by more than `tolerance`.
    @inline(__always)
    private static func sweep(_ px: UnsafeMutablePointer<Double>?, _ py: UnsafeMutablePointer<Double>?,
                              _ t: UnsafePointer<Double>, _ next: UnsafePointer<Double>, count: Int, tolerance: Double) -> Bool {
        let tau = 0.125
        var moved: UInt8 = 0
        switch (px, py) {
        case let (px?, py?):
            for k in 0..<count {
                let gx = next[k] - t[k], gy = t[k &+ 1] - t[k]
                let scale = 1 / (1 + tau * (gx * gx + gy * gy).squareRoot())
                let nx = (px[k] + tau * gx) * scale, ny = (py[k] + tau * gy) * scale
                moved |= (abs(nx - px[k]) > tolerance ? 1 : 0) | (abs(ny - py[k]) > tolerance ? 1 : 0)
                px[k] = nx; py[k] = ny
            }
        case let (px?, nil):
            for k in 0..<count {
                let gx = next[k] - t[k]
                let scale = 1 / (1 + tau * (gx * gx).squareRoot())
                let nx = (px[k] + tau * gx) * scale
                moved |= abs(nx - px[k]) > tolerance ? 1 : 0
                px[k] = nx
            }
        case let (nil, py?):
            for k in 0..<count {
                let gy = t[k &+ 1] - t[k]
                let scale = 1 / (1 + tau * (gy * gy).squareRoot())
                let ny = (py[k] + tau * gy) * scale
                moved |= abs(ny - py[k]) > tolerance ? 1 : 0
                py[k] = ny
            }
        case (nil, nil): break
        }
        return moved != 0
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
