import Foundation
import CGSL

/// A Bayesian generalised linear model on data: β ∈ R^p (intercept first when there is one),
/// η = Xβ, y_i | η_i from the likelihood, and independent priors on β. With a normal prior the whole
/// log posterior is smooth; with a Laplace prior on the slopes, `smoothPart` (likelihood plus the
/// intercept's normal prior) and `slopePenalty` make the composite that the proximal samplers use.
public final class RegressionTarget: LogDensity, HasSmoothnessConstant, HasParameterNames, @unchecked Sendable {
    public enum Likelihood: String, Sendable, CaseIterable { case logistic, probit, poisson, gaussian }
    public enum Prior: Sendable, Equatable {
        /// β_j ~ N(0, scale²) for the slopes.
        case normal(scale: Double)
        /// Density ∝ exp(−|β_j|/scale) for the slopes (not part of this smooth density: see `slopePenalty`).
        case laplace(scale: Double)
    }

    public let dimension: Int
    public let rows: Int
    public let likelihood: Likelihood
    public let prior: Prior
    public let hasIntercept: Bool
    public let interceptScale: Double
    public let noiseSD: Double
    public let parameterNames: [String]
    /// Row-major n × p design (a leading column of ones with an intercept).
    public let design: [Double]
    public let response: [Double]
    /// ¼·λ_max(XᵀX) (logistic), λ_max(XᵀX) (probit), λ_max/σ² (gaussian) or λ_max·max(y) (poisson, a
    /// typical value), plus the prior's curvature.
    public let smoothnessConstant: Double

    /// `design` row-major n × p, with the intercept's column of ones already in front when `intercept`.
    public init(design: [Double], response: [Double], names: [String], likelihood: Likelihood, prior: Prior,
                intercept: Bool, interceptScale: Double, noiseSD: Double = 1) throws(SampoError) {
        GSL.configure()
        let p = names.count, n = response.count
        guard p >= 1, n >= 2, design.count == n * p else {
            throw .invalid(.argument("design"), "expected at least 2 rows and 1 parameter (found \(n) rows, \(p) parameters)")
        }
        guard interceptScale.isFinite, interceptScale > 0 else {
            throw .invalid(.argument("interceptScale"), "expected a positive finite number, found \(interceptScale)")
        }
        guard noiseSD.isFinite, noiseSD > 0 else { throw .invalid(.argument("noiseSD"), "expected a positive finite number, found \(noiseSD)") }
        switch prior {
        case .normal(let s), .laplace(let s):
            guard s.isFinite, s > 0 else { throw .invalid(.argument("prior"), "expected a positive finite number, found \(s)") }
        }
        dimension = p
        rows = n
        self.design = design
        self.response = response
        self.parameterNames = names
        self.likelihood = likelihood
        self.prior = prior
        hasIntercept = intercept
        self.interceptScale = interceptScale
        self.noiseSD = noiseSD
        let top = Self.largestEigenvalueOfGram(design, rows: n, columns: p)
        let curvature: Double
        switch likelihood {
        case .logistic: curvature = top / 4
        case .probit: curvature = top
        case .gaussian: curvature = top / (noiseSD * noiseSD)
        case .poisson: curvature = top * max(1, response.max() ?? 1)
        }
        var priorCurvature = intercept ? 1 / (interceptScale * interceptScale) : 0
        if case .normal(let s) = prior { priorCurvature = max(priorCurvature, 1 / (s * s)) }
        smoothnessConstant = curvature + priorCurvature
    }

    /// The ℓ1 term on the slopes (rate 1/scale; the intercept exempt) under a Laplace prior, else nil.
    public var slopePenalty: L1Term? {
        guard case .laplace(let s) = prior else { return nil }
        var weights = [Double](repeating: 1, count: dimension)
        if hasIntercept { weights[0] = 0 }
        return try? L1Term(rate: 1 / s, center: [Double](repeating: 0, count: dimension), weights: weights)
    }

    public func logDensity(at x: UnsafePointer<Double>) -> Double {
        evaluate(x, gradient: nil)
    }

    public func logDensityAndGradient(at x: UnsafePointer<Double>, gradient g: UnsafeMutablePointer<Double>) -> Double {
        evaluate(x, gradient: g)
    }

    /// log likelihood + log prior (the smooth priors only), and its gradient when asked: one pass
    /// over the rows, each giving η_i = x_i·β, the log likelihood term and dℓ/dη_i.
    private func evaluate(_ beta: UnsafePointer<Double>, gradient g: UnsafeMutablePointer<Double>?) -> Double {
        let p = dimension
        if let g { for j in 0..<p { g[j] = 0 } }
        var total = 0.0
        design.withUnsafeBufferPointer { xs in
            response.withUnsafeBufferPointer { ys in
                let x = xs.baseAddress!
                for i in 0..<rows {
                    let row = x + i * p
                    // Four partial sums: independent chains the CPU can overlap (and vectorise).
                    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, j = 0
                    while j + 4 <= p {
                        s0 += row[j] * beta[j]; s1 += row[j + 1] * beta[j + 1]
                        s2 += row[j + 2] * beta[j + 2]; s3 += row[j + 3] * beta[j + 3]
                        j += 4
                    }
                    while j < p { s0 += row[j] * beta[j]; j += 1 }
                    let (l, dl) = term(ys[i], (s0 + s1) + (s2 + s3))
                    total += l
                    if let g { for j in 0..<p { g[j] += dl * row[j] } }
                }
            }
        }
        // Priors: the intercept's N(0, s₀²); the slopes' N(0, s²) under a normal prior.
        for j in 0..<p {
            let s: Double
            if hasIntercept && j == 0 { s = interceptScale } else if case .normal(let scale) = prior { s = scale } else { continue }
            total -= beta[j] * beta[j] / (2 * s * s)
            if let g { g[j] -= beta[j] / (s * s) }
        }
        return total
    }

    /// One observation's log likelihood (up to a constant in β) and its derivative in η.
    @inline(__always) private func term(_ y: Double, _ eta: Double) -> (Double, Double) {
        switch likelihood {
        case .logistic:
            // y η − log(1 + e^η), derivative y − σ(η); both from e^{−|η|} (one exponential).
            let e = exp(-abs(eta))
            let sp = max(eta, 0) + log1p(e)
            let s = eta >= 0 ? 1 / (1 + e) : e / (1 + e)
            return (y * eta - sp, y - s)
        case .probit:
            // log Φ(±η) = log(erfc(∓η/√2)/2); the ratio φ/Φ from the logs, stable in the tails.
            let z = y > 0.5 ? eta : -eta
            let logPhi = gsl_sf_log_erfc(-z / 2.0.squareRoot()) - log(2.0)
            let logDensity = -0.5 * z * z - 0.5 * log(2 * Double.pi)
            let ratio = exp(logDensity - logPhi)
            return (logPhi, y > 0.5 ? ratio : -ratio)
        case .poisson:
            let mu = exp(eta)
            return (y * eta - mu, y - mu)
        case .gaussian:
            let r = y - eta, v = noiseSD * noiseSD
            return (-r * r / (2 * v), r / v)
        }
    }

    /// λ_max(XᵀX), the largest eigenvalue of the p × p Gram matrix — or of the n × n matrix XXᵀ,
    /// which has the same nonzero eigenvalues, when there are fewer rows than columns (a 3 × 25 000
    /// design would otherwise need a 5 GB p × p matrix).
    package static func largestEigenvalueOfGram(_ x: [Double], rows n: Int, columns p: Int) -> Double {
        if n < p {
            var outer = [Double](repeating: 0, count: n * n)
            for a in 0..<n { for b in 0...a {
                var s = 0.0
                for j in 0..<p { s += x[a * p + j] * x[b * p + j] }
                outer[a * n + b] = s; outer[b * n + a] = s
            } }
            return SymmetricEigen.largestEigenvalue(outer, dimension: n)
        }
        var gram = [Double](repeating: 0, count: p * p)
        for i in 0..<n {
            for a in 0..<p { for b in 0..<p { gram[a * p + b] += x[i * p + a] * x[i * p + b] } }
        }
        return SymmetricEigen.largestEigenvalue(gram, dimension: p)
    }
}
