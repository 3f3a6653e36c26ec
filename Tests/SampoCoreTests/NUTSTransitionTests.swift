import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// One NUTS transition replayed on scripted noise against a reference written here from Stan's
/// description of the algorithm (`base_nuts.hpp`, Betancourt 2017), in another representation:
/// the trajectory is an array of states indexed by leapfrog time, and every U-turn check sums
/// the momenta of its span and reads the sharp momenta at the span's two ends directly, so
/// there is no bookkeeping of subtree ends to get wrong. The kernel must agree on the tree
/// depth, the number of leapfrog steps and the chosen state, transition after transition.
final class NUTSTransitionTests: XCTestCase {
    /// N(0, Σ) by its precision P = Σ⁻¹: log π = −½ xᵀPx, ∇ = −Px.
    private struct Gaussian {
        let precision: [[Double]]
        func gradient(_ x: [Double]) -> [Double] { precision.map { row in -zip(row, x).reduce(0) { $0 + $1.0 * $1.1 } } }
        func logDensity(_ x: [Double]) -> Double { 0.5 * zip(x, gradient(x)).reduce(0) { $0 + $1.0 * $1.1 } }
    }

    /// Σ⁻¹ by Gauss–Jordan elimination with partial pivoting (small, well-conditioned test matrices).
    private static func inverse(_ m: [[Double]]) -> [[Double]] {
        let n = m.count
        var a = m.enumerated().map { i, row in row + (0..<n).map { $0 == i ? 1.0 : 0.0 } }
        for c in 0..<n {
            let pivot = (c..<n).max { abs(a[$0][c]) < abs(a[$1][c]) }!
            a.swapAt(pivot, c)
            let f = a[c][c]
            a[c] = a[c].map { $0 / f }
            for r in 0..<n where r != c {
                let g = a[r][c]
                a[r] = zip(a[r], a[c]).map { $0 - g * $1 }
            }
        }
        return a.map { Array($0[n...]) }
    }

    /// A rotated Gaussian: Σ = Q diag(λ) Qᵀ with Q a product of Givens rotations.
    private static func rotatedCovariance(eigenvalues: [Double]) -> [[Double]] {
        let n = eigenvalues.count
        var q = (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } }
        for i in 0..<(n - 1) {
            for j in (i + 1)..<n {
                let angle = 0.7 + 0.3 * Double(i * n + j)
                let (c, s) = (cos(angle), sin(angle))
                for r in 0..<n {
                    let (a, b) = (q[r][i], q[r][j])
                    q[r][i] = c * a - s * b; q[r][j] = s * a + c * b
                }
            }
        }
        return (0..<n).map { r in (0..<n).map { c in (0..<n).reduce(0) { $0 + q[r][$1] * eigenvalues[$1] * q[c][$1] } } }
    }

    /// The reference transition. `inverseMetric` is diagonal; `uniform()` is consumed in Stan's order.
    private struct ReferenceNUTS {
        let target: Gaussian
        let inverseMetric: [Double]
        let epsilon: Double
        let maxDepth: Int

        struct State { var x, p, g: [Double]; var logP: Double }
        /// States by leapfrog time: index t of `states` is time t − offset.
        var states: [Int: State] = [:]
        var h0 = 0.0
        var leapfrogs = 0
        var divergent = false

        func sharp(_ s: State) -> [Double] { zip(s.p, inverseMetric).map { $0 * $1 } }
        func energy(_ s: State) -> Double {
            -s.logP + 0.5 * zip(s.p, inverseMetric).reduce(0) { $0 + $1.0 * $1.0 * $1.1 }
        }

        func leapfrog(_ s: State, _ e: Double) -> State {
            var p = zip(s.p, s.g).map { $0 + 0.5 * e * $1 }
            let x = zip(s.x, zip(p, inverseMetric)).map { $0 + e * $1.0 * $1.1 }
            let g = target.gradient(x)
            p = zip(p, g).map { $0 + 0.5 * e * $1 }
            return State(x: x, p: p, g: g, logP: target.logDensity(x))
        }

        /// The span [a, b] of times has not turned: ρ·p♯ > 0 at both ends, ρ = Σ_{t=a}^{b} p_t.
        func persists(_ a: Int, _ b: Int) -> Bool {
            var rho = [Double](repeating: 0, count: inverseMetric.count)
            for t in a...b { for j in rho.indices { rho[j] += states[t]!.p[j] } }
            let dot = { (u: [Double]) in zip(u, rho).reduce(0) { $0 + $1.0 * $1.1 } }
            return dot(sharp(states[a]!)) > 0 && dot(sharp(states[b]!)) > 0
        }

        /// Two adjacent spans [a, m] and [m + 1, b] merged: the whole span and each half extended by
        /// the neighbouring state of the other half must not have turned.
        func mergedPersists(_ a: Int, _ m: Int, _ b: Int) -> Bool {
            persists(a, b) && persists(a, m + 1) && persists(m, b)
        }

        /// Builds 2^depth states beyond time `from` in direction `sign`; returns validity, the
        /// proposed time and the log of the summed weights e^{H0 − H}.
        mutating func build(_ depth: Int, from: Int, sign: Int, uniform: () -> Double) -> (valid: Bool, propose: Int, logW: Double) {
            if depth == 0 {
                let t = from + sign
                let s = leapfrog(states[from]!, Double(sign) * epsilon)
                states[t] = s
                leapfrogs += 1
                var h = energy(s)
                if h.isNaN { h = .infinity }
                if h - h0 > 1000 { divergent = true }
                return (!divergent, t, h0 - h)
            }
            let first = build(depth - 1, from: from, sign: sign, uniform: uniform)
            guard first.valid else { return (false, first.propose, first.logW) }
            let half = 1 << (depth - 1)
            let second = build(depth - 1, from: from + sign * half, sign: sign, uniform: uniform)
            guard second.valid else { return (false, second.propose, second.logW) }
            let logW = logAdd(first.logW, second.logW)
            var propose = first.propose
            if second.logW > logW || uniform() < exp(second.logW - logW) { propose = second.propose }
            // The span in time order: the first half is next to `from`.
            let lo = sign > 0 ? from + 1 : from - 2 * half, hi = sign > 0 ? from + 2 * half : from - 1
            let mid = sign > 0 ? from + half : from - half - 1   // last time of the earlier half in time order
            return (mergedPersists(lo, mid, hi), propose, logW)
        }

        func logAdd(_ a: Double, _ b: Double) -> Double {
            let m = max(a, b)
            return m == -.infinity ? m : m + log(exp(a - m) + exp(b - m))
        }

        /// One transition from x with momentum p: the chosen position, the depth and the leapfrogs.
        mutating func transition(x: [Double], p: [Double], uniform: () -> Double) -> (x: [Double], depth: Int, leapfrogs: Int) {
            let start = State(x: x, p: p, g: target.gradient(x), logP: target.logDensity(x))
            states = [0: start]
            h0 = energy(start)
            var lo = 0, hi = 0, sample = 0, logW = 0.0, depth = 0
            while depth < maxDepth {
                let forward = uniform() > 0.5
                let sub = build(depth, from: forward ? hi : lo, sign: forward ? 1 : -1, uniform: uniform)
                if !sub.valid { break }
                depth += 1
                if sub.logW > logW || uniform() < exp(sub.logW - logW) { sample = sub.propose }
                logW = logAdd(logW, sub.logW)
                let oldLo = lo, oldHi = hi
                if forward { hi += 1 << (depth - 1) } else { lo -= 1 << (depth - 1) }
                // The old trajectory and the new subtree, merged.
                let persist = forward ? mergedPersists(oldLo, oldHi, hi) : mergedPersists(lo, oldLo - 1, oldHi)
                if !persist { break }
            }
            return (states[sample]!.x, depth, leapfrogs)
        }
    }

    /// The uniforms of one transition, handed out in order (the kernel cycles them the same way).
    private final class Uniforms {
        let values: [Double]
        var i = 0
        init(_ values: [Double]) { self.values = values }
        func next() -> Double { defer { i += 1 }; return values[i % values.count] }
    }

    private func replay(covariance: [[Double]], metric: [Double]?, epsilon: Double, maxDepth: Int, cases: Int, seed: UInt64) throws
        -> (agreed: Int, deepest: Int) {
        let d = covariance.count
        let target = try GaussianMixture(weights: [1], means: [[Double](repeating: 0, count: d)], covariances: .full([covariance]))
        let variances = (0..<d).map { covariance[$0][$0] }
        var parameters: [String: ParameterValue] = ["max_depth": .integer(maxDepth)]
        if metric == nil { parameters["metric"] = .text("unit") }
        let kernel = try XCTUnwrap(try SamplerCatalog.named("nuts").makeKernel(target: target, stepSize: epsilon, parameters: parameters)
                                   as? NUTS<GaussianMixture>)
        if let m = metric { try kernel.adapt(inverseMetric: .diagonal(m)) }
        let inverse = metric ?? [Double](repeating: 1, count: d)
        let rng = RandomStream(seed: seed)
        var agreed = 0, deepest = 0
        for c in 0..<cases {
            let x0 = variances.map { $0.squareRoot() * rng.normal() }
            let xi = (0..<d).map { _ in rng.normal() }
            let uniforms = (0..<(4 * (1 << maxDepth) + 8)).map { _ in rng.uniform() }
            _ = try kernel.reset(to: x0)
            XCTAssertTrue(kernel.step(noise: ScriptedNoise(normals: xi, uniforms: uniforms)))
            let u = Uniforms(uniforms)
            var reference = ReferenceNUTS(target: Gaussian(precision: Self.inverse(covariance)), inverseMetric: inverse, epsilon: epsilon, maxDepth: maxDepth)
            let p = zip(xi, inverse).map { $0 / $1.squareRoot() }
            let expected = reference.transition(x: x0, p: p, uniform: u.next)
            let got = kernel.currentPosition, stats = kernel.lastTransition
            let sameState = zip(got, expected.x).allSatisfy { abs($0 - $1) <= 1e-9 * (1 + abs($1)) }
            XCTAssertEqual(stats.treeDepth, expected.depth, "case \(c): tree depth")
            XCTAssertEqual(stats.leapfrogSteps, expected.leapfrogs, "case \(c): leapfrog steps")
            XCTAssertTrue(sameState, "case \(c): chosen state \(got) against the reference's \(expected.x)")
            if stats.treeDepth == expected.depth && stats.leapfrogSteps == expected.leapfrogs && sameState { agreed += 1 }
            deepest = max(deepest, expected.depth)
        }
        return (agreed, deepest)
    }

    /// Anisotropic targets make trajectories turn at different depths in different orders of
    /// doubling: the case the top-level bookkeeping got wrong (it copied the backward end of the
    /// forward subtree where the forward end of the old trajectory belongs). With that bug, 23 of
    /// these 400 cases disagreed on the depth, the leapfrog count or the chosen state.
    func testTransitionsAgreeWithTheReferenceOnAnisotropicGaussians() throws {
        let variances = [0.1, 0.4, 1.5, 4.0, 10.0]
        let diagonal = variances.indices.map { i in variances.indices.map { $0 == i ? variances[i] : 0 } }
        let unit = try replay(covariance: diagonal, metric: nil, epsilon: 0.25, maxDepth: 8, cases: 200, seed: 11)
        XCTAssertEqual(unit.agreed, 200)
        XCTAssertGreaterThanOrEqual(unit.deepest, 4, "the cases should reach deep trees")
        let diag = try replay(covariance: diagonal, metric: [0.2, 0.5, 1.0, 2.0, 5.0], epsilon: 0.4, maxDepth: 8, cases: 200, seed: 12)
        XCTAssertEqual(diag.agreed, 200)
        let rotated = Self.rotatedCovariance(eigenvalues: [0.1, 0.3, 1, 3, 10])
        let tilted = try replay(covariance: rotated, metric: [4, 2, 3, 1, 2], epsilon: 0.3, maxDepth: 8, cases: 200, seed: 13)
        XCTAssertEqual(tilted.agreed, 200)
    }

    /// By hand: a 1-D standard normal, unit metric, ε = 1, x = 0, p = 1, every uniform 0.7 (so
    /// always forward). The leapfrog p½ = p − x/2, x' = x + p½, p' = p½ − x'/2 gives t = 1: (1, 0.5),
    /// t = 2: (1, −0.5), t = 3: (0, −1); H = x²/2 + p²/2 is 0.5, 0.625, 0.625, 0.5.
    /// Depth 1: {0, 1} has ρ = 1.5 and p♯ = 1, 0.5 at its ends: no U-turn. Depth 2 builds {2, 3}
    /// (ρ = −1.5 and p♯ = −0.5, −1: valid by itself); the merged {0…3} has ρ = 0, so ρ·p♯ = 0 is not
    /// positive and the transition stops at depth 2 after 3 leapfrog steps. Sample: t = 1 replaces
    /// t = 0 (0.7 < e^{−0.125} ≈ 0.88), then {2, 3} (weight equal to {0, 1}'s) replaces it with
    /// probability 1; t = 2 beats t = 3 inside {2, 3} only if 0.7 ≥ 1/(1 + e^{−0.125}) ≈ 0.53: x = 1.
    func testOneTransitionByHand() throws {
        let target = try GaussianMixture(weights: [1], means: [[0]], covariances: .diagonal([[1]]))
        let kernel = try XCTUnwrap(try SamplerCatalog.named("nuts").makeKernel(target: target, stepSize: 1,
                                                                               parameters: ["metric": .text("unit")]) as? NUTS<GaussianMixture>)
        _ = try kernel.reset(to: [0])
        XCTAssertTrue(kernel.step(noise: ScriptedNoise(normals: [1], uniforms: [0.7])))
        XCTAssertEqual(kernel.lastTransition.leapfrogSteps, 3)
        XCTAssertEqual(kernel.lastTransition.treeDepth, 2)
        XCTAssertEqual(kernel.currentPosition[0], 1, accuracy: 1e-15)
    }
}
