import Foundation

/// The law of an unadjusted kernel's state after K steps on a Gaussian target N(m, Σ), started as
/// Sampo starts chains: x₀ ~ N(0, I) (`--init normal`) or x₀ = 0 (`--init zero`), velocity 0. Per eigen-direction of Σ (the start is isotropic,
/// so directions stay independent) the mean deviation follows e_{k+1} = E[A] e_k and the second
/// moment M_{k+1} = T M_k + E[Q], the maps of `StationaryLaw`. The distance to the target is the
/// Gaussian W₂ on the first two moments, Σ_i μ_i² + (√v_i − √λ_i)²: exact for the deterministic-step
/// kernels, a lower bound for the randomized ones (their law is a mixture over α).
/// This is what the complexity results of Shen & Lee and Yu, Karagulyan & Dalalyan count: gradient
/// evaluations until W₂(law(x_K), π) ≤ ε.
public enum TransientLaw {
    /// Where the chains start: N(0, I) or the origin.
    public enum Start: String, Sendable { case normal, zero }

    /// W₂ to the target after each of steps 0…K, evaluated lazily by `distances`.
    public struct Path: Sendable {
        let kernel: StationaryLaw.Kernel
        let lambdas: [Double]
        let offsets: [Double]
        let steps: [StationaryLaw.DirectionStep]

        /// Eigenvectors of Σ (row-major, column i for lambdas[i]).
        let vectors: [Double]
        let mean: [Double]
        /// Variance of the start in every direction (1 for N(0, I), 0 for the origin).
        let startVariance: Double

        /// Per direction: position mean deviation and variance after each step, handed to `visit`
        /// for k = 0…count until it returns true.
        func walk(upTo count: Int, _ visit: (Int, [Double], [Double]) -> Bool) {
            let d = lambdas.count, kinetic = kernel.isKinetic
            var mx = offsets, mv = [Double](repeating: 0, count: d)
            var xx = offsets.map { $0 * $0 + startVariance }, xv = [Double](repeating: 0, count: d), vv = [Double](repeating: 0, count: d)
            var variance = [Double](repeating: 0, count: d)
            for k in 0...count {
                for i in 0..<d { variance[i] = max(xx[i] - mx[i] * mx[i], 0) }
                if visit(k, mx, variance) || k == count { return }
                for i in 0..<d {
                    let s = steps[i]
                    if kinetic {
                        let a = s.meanMap, t = s.secondMap, q = s.noise
                        (mx[i], mv[i]) = (a[0] * mx[i] + a[1] * mv[i], a[2] * mx[i] + a[3] * mv[i])
                        let m = (xx[i], xv[i], vv[i])
                        xx[i] = t[0][0] * m.0 + t[0][1] * m.1 + t[0][2] * m.2 + q[0]
                        xv[i] = t[1][0] * m.0 + t[1][1] * m.1 + t[1][2] * m.2 + q[1]
                        vv[i] = t[2][0] * m.0 + t[2][1] * m.1 + t[2][2] * m.2 + q[2]
                    } else {
                        mx[i] *= s.meanMap[0]
                        xx[i] = s.secondMap[0][0] * xx[i] + s.noise[0]
                    }
                }
            }
        }

        /// W₂(law(x_k), π) for k = 0…K, stopping early (and returning what it has) once `stop`
        /// holds for a distance.
        public func distances(upTo count: Int, stop: (Double) -> Bool = { _ in false }) -> [Double] {
            var out: [Double] = []
            walk(upTo: count) { _, mx, variance in
                var sum = 0.0
                for i in lambdas.indices {
                    let dv = variance[i].squareRoot() - lambdas[i].squareRoot()
                    sum += mx[i] * mx[i] + dv * dv
                }
                out.append(sum.squareRoot())
                return stop(out[out.count - 1])
            }
            return out
        }

        /// The position's mean and covariance (row-major) after K steps.
        public func law(after count: Int) -> (mean: [Double], covariance: [Double]) {
            let d = lambdas.count
            var m = mean, c = [Double](repeating: 0, count: d * d)
            walk(upTo: count) { k, mx, variance in
                guard k == count else { return false }
                for r in 0..<d {
                    for i in 0..<d { m[r] += vectors[r * d + i] * mx[i] }
                    for q in 0..<d { c[r * d + q] = (0..<d).reduce(0.0) { $0 + vectors[r * d + $1] * variance[$1] * vectors[q * d + $1] } }
                }
                return true
            }
            return (m, c)
        }
    }

    /// The path of `kernel` at step size h on N(mean, Σ) (Σ row-major, symmetric positive definite).
    public static func path(_ kernel: StationaryLaw.Kernel, mean: [Double], covariance sigma: [Double], stepSize h: Double,
                            friction gamma: Double = 2, start: Start = .normal) throws(SampoError) -> Path {
        let d = mean.count
        guard d >= 1, sigma.count == d * d else {
            throw .invalid(.argument("covariance"), "expected a \(d) × \(d) covariance, found \(sigma.count) numbers")
        }
        guard h > 0, h.isFinite else { throw .invalid(.stepSize, "expected a positive number, found \(h)") }
        guard gamma > 0, gamma.isFinite else { throw .invalid(.argument("friction"), "expected a positive number, found \(gamma)") }
        let (values, vectors) = SymmetricEigen.decompose(sigma, dimension: d)
        guard values.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw .invalid(.argument("covariance"), "the target covariance is not positive definite")
        }
        // The start's mean 0 as a deviation from m, in the eigenbasis.
        let offsets = (0..<d).map { k in -(0..<d).reduce(0.0) { $0 + vectors[$1 * d + k] * mean[$1] } }
        let steps = values.map { StationaryLaw.directionStep(kernel, kappa: 1 / $0, stepSize: h, friction: gamma) }
        return Path(kernel: kernel, lambdas: values, offsets: offsets, steps: steps, vectors: vectors, mean: mean,
                    startVariance: start == .normal ? 1 : 0)
    }

    /// The fewest steps K ≤ maxSteps with W₂(law(x_K), π) ≤ ε, or nil when the kernel's stationary
    /// bias is not below ε (or it is unstable) or K would exceed maxSteps.
    public static func stepsToAccuracy(_ kernel: StationaryLaw.Kernel, mean: [Double], covariance sigma: [Double], stepSize h: Double,
                                       friction gamma: Double = 2, start: Start = .normal, epsilon: Double,
                                       maxSteps: Int = 1_000_000) throws(SampoError) -> Int? {
        guard let law = try? StationaryLaw.of(kernel, mean: mean, covariance: sigma, stepSize: h, friction: gamma), law.w2 < epsilon else {
            return nil
        }
        let distances = try path(kernel, mean: mean, covariance: sigma, stepSize: h, friction: gamma, start: start)
            .distances(upTo: maxSteps) { $0 <= epsilon }
        guard let last = distances.last, last <= epsilon else { return nil }
        return distances.count - 1
    }
}
