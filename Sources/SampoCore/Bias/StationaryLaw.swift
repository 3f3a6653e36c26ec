import Foundation

/// The exact stationary law of an unadjusted kernel on a Gaussian target N(m, Σ). Every such
/// kernel in Sampo is, on a Gaussian, a linear recursion with Gaussian noise that acts on each
/// eigen-direction of Σ separately (step size and friction are scalars), so per direction with
/// target variance λ the position (overdamped) or position–velocity pair (kinetic) follows
/// z' = A(α) z + n(α), n ~ N(0, Q(α)), with α ~ U(0, 1) for the randomized-midpoint kernels. The
/// stationary covariance S solves S = E_α[A S Aᵀ] + E_α[Q], a linear equation (the expectation over
/// α by 48-point Gauss–Legendre quadrature, exact to rounding for these smooth integrands). The
/// stationary mean is m (every kernel's drift vanishes there). Metropolis-adjusted kernels are exact
/// and have no bias to compute.
public enum StationaryLaw {
    public enum Kernel: String, Sendable, CaseIterable {
        case ula, rlmc, myula, kineticEuler = "kinetic-euler", obabo, baoab, klmc, rklmc
        public var isKinetic: Bool { ![.ula, .rlmc, .myula].contains(self) }
    }

    /// The stationary law's position covariance and its distance to the target.
    public struct Result: Sendable, Equatable {
        public let mean: [Double]
        /// d × d, row-major.
        public let covariance: [Double]
        /// Stationary / target variance along each eigen-direction of Σ, widest first.
        public let varianceRatios: [Double]
        /// W₂ between N(m, S) and N(m, Σ): √(Σ (√s_i − √λ_i)²), S and Σ sharing eigenvectors.
        public let w2: Double
        public var maxVarianceRatio: Double { varianceRatios.max() ?? .nan }
    }

    /// One step along one direction of precision κ = 1/λ, averaged over α: the mean map E[A] (1 × 1
    /// or 2 × 2 row-major), the second-moment map T with M' = T M + E[Q] (on x² alone, or on
    /// (x², xv, v²) for kinetic kernels), and E[Q]. Positions are deviations from the target mean.
    struct DirectionStep {
        let meanMap: [Double]
        let secondMap: [[Double]]
        let noise: [Double]
    }

    static func directionStep(_ kernel: Kernel, kappa k: Double, stepSize h: Double, friction gamma: Double) -> DirectionStep {
        if !kernel.isKinetic {
            var ea = 0.0, ea2 = 0.0, eq = 0.0
            switch kernel {
            case .ula, .myula:
                let a = 1 - h * k
                ea = a; ea2 = a * a; eq = 2 * h
            default:   // rlmc: a(α) = 1 − hκ + αh²κ², q(α) = 2(1 − hκ)²αh + 2(1 − α)h
                for (alpha, w) in quadrature {
                    let a = 1 - h * k + alpha * h * h * k * k
                    ea += w * a; ea2 += w * a * a
                    eq += w * (2 * (1 - h * k) * (1 - h * k) * alpha * h + 2 * (1 - alpha) * h)
                }
            }
            return DirectionStep(meanMap: [ea], secondMap: [[ea2]], noise: [eq])
        }
        var t = [[Double]](repeating: [0, 0, 0], count: 3), m = [0.0, 0, 0], mean = [0.0, 0, 0, 0]
        let nodes = kernel == .rklmc ? quadrature : [(0.5, 1.0)]
        for (alpha, w) in nodes {
            let (a, q) = step(kernel, kappa: k, h: h, gamma: gamma, alpha: alpha)
            let (a00, a01, a10, a11) = (a[0], a[1], a[2], a[3])
            let rows = [[a00 * a00, 2 * a00 * a01, a01 * a01],
                        [a00 * a10, a00 * a11 + a01 * a10, a01 * a11],
                        [a10 * a10, 2 * a10 * a11, a11 * a11]]
            for i in 0..<3 { for j in 0..<3 { t[i][j] += w * rows[i][j] } }
            for i in 0..<4 { mean[i] += w * a[i] }
            m[0] += w * q[0]; m[1] += w * q[1]; m[2] += w * q[2]
        }
        return DirectionStep(meanMap: mean, secondMap: t, noise: m)
    }

    /// The stationary position variance along one direction of target variance λ, or nil when
    /// the kernel is unstable there (the recursion does not contract).
    public static func variance(_ kernel: Kernel, targetVariance lambda: Double, stepSize h: Double,
                                friction gamma: Double = 2) -> Double? {
        guard lambda > 0, lambda.isFinite, h > 0, h.isFinite, gamma > 0, gamma.isFinite else { return nil }
        let one = directionStep(kernel, kappa: 1 / lambda, stepSize: h, friction: gamma)
        if !kernel.isKinetic {
            let ea2 = one.secondMap[0][0]
            guard ea2 < 1 else { return nil }
            return one.noise[0] / (1 - ea2)
        }
        // Kinetic: solve for S = [[p, r], [r, q]] from S = T S + E[Q].
        let t = one.secondMap, m = one.noise
        // (I − T) s = m by Gaussian elimination with partial pivoting.
        var a = (0..<3).map { i in (0..<3).map { j in (i == j ? 1 : 0) - t[i][j] } + [m[i]] }
        for c in 0..<3 {
            guard let p = (c..<3).max(by: { abs(a[$0][c]) < abs(a[$1][c]) }), abs(a[p][c]) > 1e-300 else { return nil }
            a.swapAt(p, c)
            for r in 0..<3 where r != c {
                let f = a[r][c] / a[c][c]
                for j in c...3 { a[r][j] -= f * a[c][j] }
            }
        }
        let p = a[0][3] / a[0][0], r = a[1][3] / a[1][1], q = a[2][3] / a[2][2]
        // A contracting recursion has a positive-definite fixed point; anything else is unstable.
        guard p > 0, q > 0, p * q > r * r, p.isFinite, q.isFinite, contracts(t) else { return nil }
        return p
    }

    /// The law on N(mean, Σ) (Σ d × d row-major, symmetric positive definite). Throws for a Σ that
    /// is not, and for a step at which the kernel is unstable in some direction.
    public static func of(_ kernel: Kernel, mean: [Double], covariance sigma: [Double], stepSize h: Double,
                          friction gamma: Double = 2) throws(SampoError) -> Result {
        let d = mean.count
        guard d >= 1, sigma.count == d * d else {
            throw .invalid(.argument("covariance"), "expected a \(d) × \(d) covariance, found \(sigma.count) numbers")
        }
        let (values, vectors) = SymmetricEigen.decompose(sigma, dimension: d)
        guard values.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw .invalid(.argument("covariance"), "the target covariance is not positive definite")
        }
        // A step so small that h/λ underflows is no step to compute with: say that, not "unstable".
        if let smallest = values.min(), !(h / smallest >= 1e-280) || !h.isNormal {
            throw .invalid(.stepSize, "h = \(h) is too small to compute with against variances down to \(smallest) (h/λ below 1e-280)")
        }
        var s: [Double] = []
        for lambda in values {
            guard let v = variance(kernel, targetVariance: lambda, stepSize: h, friction: gamma) else {
                throw .invalid(.stepSize, "\(kernel.rawValue) is unstable at h = \(h) on a direction of variance \(lambda)")
            }
            s.append(v)
        }
        var cov = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0..<d {
                var sum = 0.0
                for k in 0..<d { sum += vectors[i * d + k] * s[k] * vectors[j * d + k] }
                cov[i * d + j] = sum
            }
        }
        let w2 = zip(s, values).reduce(0.0) { $0 + pow($1.0.squareRoot() - $1.1.squareRoot(), 2) }.squareRoot()
        return Result(mean: mean, covariance: cov, varianceRatios: zip(s, values).map { $0 / $1 }, w2: w2)
    }

    // MARK: One step of each kinetic kernel on U = κx²/2, as (A row-major, E[Q] as (xx, xv, vv)).

    static func step(_ kernel: Kernel, kappa k: Double, h: Double, gamma g: Double, alpha: Double) -> ([Double], [Double]) {
        func mul(_ a: [Double], _ b: [Double]) -> [Double] {
            [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3]]
        }
        /// P diag(0, v) Pᵀ as (xx, xv, vv).
        func velocityNoise(_ p: [Double], _ v: Double) -> [Double] { [p[1] * p[1] * v, p[1] * p[3] * v, p[3] * p[3] * v] }
        let kick = { (t: Double) in [1, 0, -t * k, 1] }, drift = { (t: Double) in [1, t, 0, 1] }
        switch kernel {
        case .kineticEuler:
            return ([1, h, -h * k, 1 - h * g], [0, 0, 2 * g * h])
        case .obabo:
            let e = exp(-g * h / 2), v = -expm1(-g * h)
            let o = [1, 0, 0, e]
            let inner = mul(kick(h / 2), mul(drift(h), kick(h / 2)))      // B A B, applied right to left
            let a = mul(o, mul(inner, o))
            let first = mul(o, inner)                                      // the first O's noise goes through B A B O
            let n1 = velocityNoise(first, v)
            return (a, [n1[0], n1[1], n1[2] + v])
        case .baoab:
            let e = exp(-g * h), v = -expm1(-2 * g * h)
            let before = mul(drift(h / 2), kick(h / 2)), after = mul(kick(h / 2), drift(h / 2))
            let a = mul(after, mul([1, 0, 0, e], before))
            return (a, velocityNoise(after, v))
        case .klmc:
            let c = OUCoefficients(gamma: g)
            return ([1 - c.psi(h) * k, c.phi(h), -c.phi(h) * k, c.eta(h)],
                    [2 * g * c.varianceA(h), 2 * g * c.covarianceAE(h), 2 * g * c.varianceE(h)])
        default:   // rklmc
            let c = OUCoefficients(gamma: g)
            let a = alpha * h, tau = h - a
            let mx = 1 - c.psi(a) * k, mv = c.phi(a)
            let cx = h * c.phi(tau) * k, cv = h * c.eta(tau) * k
            let matrix = [1 - cx * mx, c.phi(h) - cx * mv, -cv * mx, c.eta(h) - cv * mv]
            // Covariances of (A(0,a), E(0,h), A(0,h)), as RKLMC draws them.
            let cov = BrownianIntegrals(gamma: g, h: h).covariance(a: a)
            let (vaa, cae, cah, vee, ceh, vhh) = (cov[0], cov[1], cov[2], cov[4], cov[5], cov[8])
            let s2 = 2 * g
            // Noise of X': σ(A_h − cx A_a); of V': σ(E_h − cv A_a).
            let xx = s2 * (vhh - 2 * cx * cah + cx * cx * vaa)
            let xv = s2 * (ceh - cx * cae - cv * cah + cx * cv * vaa)
            let vv = s2 * (vee - 2 * cv * cae + cv * cv * vaa)
            return (matrix, [xx, xv, vv])
        }
    }

    /// 48-point Gauss–Legendre nodes and weights on [0, 1].
    static let quadrature: [(Double, Double)] = {
        let n = 48
        var out: [(Double, Double)] = []
        for i in 1...n {
            var x = cos(Double.pi * (Double(i) - 0.25) / (Double(n) + 0.5))
            var dp = 0.0
            for _ in 0..<100 {
                var p0 = 1.0, p1 = x
                for k in 2...n { let pk = ((2 * Double(k) - 1) * x * p1 - (Double(k) - 1) * p0) / Double(k); p0 = p1; p1 = pk }
                dp = Double(n) * (x * p1 - p0) / (x * x - 1)
                let dx = p1 / dp
                x -= dx
                if abs(dx) < 1e-16 { break }
            }
            out.append(((1 - x) / 2, 1 / ((1 - x * x) * dp * dp)))   // weight 2/((1 − x²)P′²) halved for [0, 1]
        }
        return out
    }()

    /// Whether T^n → 0 (spectral radius below 1): the norm of T^(2¹²) by repeated squaring,
    /// robust to complex eigenvalues where power iteration oscillates.
    static func contracts(_ t: [[Double]]) -> Bool {
        var m = t
        for _ in 0..<12 {
            m = (0..<3).map { i in (0..<3).map { j in (0..<3).reduce(0.0) { $0 + m[i][$1] * m[$1][j] } } }
            let norm = m.joined().reduce(0.0) { max($0, abs($1)) }
            guard norm.isFinite else { return false }
            if norm < 1e-12 { return true }
        }
        return m.joined().reduce(0.0) { max($0, abs($1)) } < 1
    }
}
