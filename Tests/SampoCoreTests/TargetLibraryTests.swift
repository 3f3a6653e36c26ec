import Foundation
import XCTest
import Sampo
import SampoTestSupport

final class TargetLibraryTests: XCTestCase {
    // MARK: checked values (ALGORITHMS.md §1.2–1.3 and §2)

    func testLaplaceMixtureCheckedValues() throws {
        let t = try XCTUnwrap(TestSupport.target("lau-laplace").density as? LaplaceMixture)
        XCTAssertEqual(-t.logDensity([0.5, -1]), 4.490210180996452, accuracy: 1e-13)
        for (lambda, u) in [(0.1, 4.4652101809964515), (0.5, 4.365210180996452), (1.0, 4.240210180996452)] {
            let (lp, g) = t.smoothedLogDensityAndGradient([0.5, -1], lambda: lambda)
            XCTAssertEqual(-lp, u, accuracy: 1e-13, "λ = \(lambda)")
            XCTAssertEqual(-g[0], 0.263167745578, accuracy: 1e-11)
            XCTAssertEqual(-g[1], -0.11274398729, accuracy: 1e-11)
        }
        for (lambda, e) in [(0.1, (0.396852421437, 0.178210163198)), (0.5, (0.103005407229, 0.061962485833)),
                            (1.0, (0.068688000789, 0.05012426513))] {
            let (_, g) = t.smoothedLogDensityAndGradient([0.05, 0.02], lambda: lambda)
            XCTAssertEqual(-g[0], e.0, accuracy: 1e-11, "λ = \(lambda)")
            XCTAssertEqual(-g[1], e.1, accuracy: 1e-11, "λ = \(lambda)")
        }
    }

    /// MYULA drift −(∇f + (x − prox_{λg}(x))/λ) on lau-gmm-l1prior at x = (0.5, −1), λ = 0.25.
    func testCompositeMoreauYosidaDrift() throws {
        let t = try XCTUnwrap(TestSupport.target("lau-gmm-l1prior").density as? CompositeTarget)
        let (_, g) = t.smoothedLogDensityAndGradient([0.5, -1], lambda: 0.25)
        XCTAssertEqual(g[0], -0.2367312226, accuracy: 1e-10)
        XCTAssertEqual(g[1], 0.98358853254, accuracy: 1e-10)
        XCTAssertEqual(t.nonsmooth.kind, "l1")
    }

    func testSoftThresholdAndProxes() throws {
        XCTAssertEqual(softThreshold(1.5, 0.5), 1.0)
        XCTAssertEqual(softThreshold(-1.5, 0.5), -1.0)
        XCTAssertEqual(softThreshold(0.3, 0.5), 0.0)
        XCTAssertEqual(softThreshold(-0.5, 0.5), 0.0)
        let l1 = try L1Term(rate: 2, center: [1, -1])
        XCTAssertEqual(l1.prox([2, -1.1], lambda: 0.25), [1.5, -1])
        let box = try BoxTerm(lower: [0, 0], upper: [1, 2])
        XCTAssertEqual(box.prox([-1, 3], lambda: 7), [0, 2])
        XCTAssertEqual([-1.0, 3].withUnsafeBufferPointer { box.value(at: $0.baseAddress!, dimension: 2) }, .infinity)
        let sq = try SquaredL2Term(center: [1, 1], scale: 2)
        // (σ²x + λc)/(σ² + λ) with σ² = 4, λ = 1: (4·3 + 1)/5.
        XCTAssertEqual(sq.prox([3, 1], lambda: 1), [13.0 / 5, 1])
    }

    /// A user-defined proximal term plugs into a composite target without touching anything else.
    func testUserProximalTerm() throws {
        struct NonNegative: ProximalTerm {
            var kind: String { "nonnegative" }
            func value(at x: UnsafePointer<Double>, dimension d: Int) -> Double {
                (0..<d).allSatisfy { x[$0] >= 0 } ? 0 : .infinity
            }
            func prox(_ x: UnsafePointer<Double>, lambda: Double, into out: UnsafeMutablePointer<Double>, dimension d: Int) {
                for j in 0..<d { out[j] = max(x[j], 0) }
            }
            func subgradient(at x: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, dimension d: Int) {
                for j in 0..<d { out[j] = 0 }
            }
        }
        let smooth = try GaussianMixture(weights: [1], means: [[0]], covariances: .isotropic([1]))
        let t = CompositeTarget(smooth: smooth, nonsmooth: NonNegative())
        XCTAssertEqual(t.logDensity([-1]), -.infinity)
        let (_, g) = t.smoothedLogDensityAndGradient([-1], lambda: 0.5)
        XCTAssertEqual(g[0], 1 - (-1 - 0) / 0.5)  // −x − (x − prox)/λ at x = −1
    }

    // MARK: gradients against central finite differences

    func testEveryGradientMatchesFiniteDifferences() throws {
        let rng = RandomStream(seed: 31)
        var checked: [String] = []
        for name in ["funnel", "many-well", "double-well", "mueller-brown", "rosenbrock", "lau-laplace", "lau-gmm-l1prior",
                     "gmm25", "gaussian-illcond", "funnel-expression", "rosenbrock-expression", "pima-logistic", "sonar-logistic"] {
            let t = try TestSupport.target(name).density
            for _ in 0..<5 {
                var x = (0..<t.dimension).map { _ in rng.normal() }
                if name == "mueller-brown" { x = [-0.5 + rng.uniform() * 1.5, rng.uniform() * 2] }
                let (_, g) = t.logDensityAndGradient(x)
                for j in 0..<min(t.dimension, 6) {
                    let h = 1e-6
                    var xp = x, xm = x
                    xp[j] += h; xm[j] -= h
                    let fd = (t.logDensity(xp) - t.logDensity(xm)) / (2 * h)
                    XCTAssertEqual(g[j], fd, accuracy: 1e-5 * max(1, abs(fd)), "\(name) coordinate \(j + 1) at \(x)")
                }
            }
            checked.append(name)
        }
        // The smoothed potentials too.
        let laplace = try XCTUnwrap(TestSupport.target("lau-laplace").density as? LaplaceMixture)
        let composite = try XCTUnwrap(TestSupport.target("lau-gmm-l1prior").density as? CompositeTarget)
        for _ in 0..<10 {
            let x = [2 * rng.normal(), 2 * rng.normal()]
            for (t, lambda) in [(laplace as any MoreauSmoothable, 0.3), (composite, 0.25)] {
                let (_, g) = t.smoothedLogDensityAndGradient(x, lambda: lambda)
                for j in 0..<2 {
                    var xp = x, xm = x
                    xp[j] += 1e-6; xm[j] -= 1e-6
                    let fd = (t.smoothedLogDensityAndGradient(xp, lambda: lambda).0 - t.smoothedLogDensityAndGradient(xm, lambda: lambda).0) / 2e-6
                    XCTAssertEqual(g[j], fd, accuracy: 1e-5 * max(1, abs(fd)))
                }
            }
        }
        XCTAssertEqual(checked.count, 13)
    }

    func testClosureTargetWithAndWithoutGradient() {
        let exact = ClosureTarget(dimension: 2, logDensity: { -0.5 * ($0[0] * $0[0] + 4 * $0[1] * $0[1]) },
                                  gradient: { [-$0[0], -4 * $0[1]] })
        let approx = ClosureTarget(dimension: 2, logDensity: { -0.5 * ($0[0] * $0[0] + 4 * $0[1] * $0[1]) })
        let (a, ga) = exact.logDensityAndGradient([0.7, -0.3]), (b, gb) = approx.logDensityAndGradient([0.7, -0.3])
        XCTAssertEqual(a, b)
        XCTAssertEqual(ga, [-0.7, 1.2])
        XCTAssertEqual(gb[0], -0.7, accuracy: 1e-8); XCTAssertEqual(gb[1], 1.2, accuracy: 1e-8)
        XCTAssertFalse(approx.hasExactGradient)
    }

    // MARK: exact draws and reference moments

    /// Exact draws of every target that has them reproduce its reference moments within 5 MCSE.
    func testExactDrawsReproduceReferenceMoments() throws {
        for name in ["lau-gmm", "lau-gmm-n1", "lau-gmm-n2", "lau-gmm-n3", "lau-gmm-n4", "lau-laplace", "gmm25", "gmm40",
                     "gaussian-illcond", "bench-gmm50", "many-well", "rosenbrock", "funnel"] {
            let target = try TestSupport.target(name)
            let n = 200_000
            let draws = try ExactDraws.draw(target, count: n, seed: 17)
            let mean = try XCTUnwrap(target.moments.mean, name), cov = try XCTUnwrap(target.moments.covariance, name)
            let d = target.dimension
            for j in 0..<min(d, 4) {
                let x = draws.series(chain: 0, coordinate: j)
                func check(_ f: [Double], _ truth: Double, _ what: String) {
                    let m = f.reduce(0, +) / Double(n)
                    let sd = (f.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n - 1)).squareRoot()
                    XCTAssertLessThan(abs(m - truth), 5 * sd / Double(n).squareRoot() + 1e-12, "\(name) \(what): \(m) vs \(truth)")
                }
                check(x, mean[j], "mean x\(j + 1)")
                if name == "funnel" && j > 0 { continue }  // e^{x₀} has too heavy a tail for a variance check
                check(x.map { ($0 - mean[j]) * ($0 - mean[j]) }, cov[j * d + j], "var x\(j + 1)")
            }
        }
    }

    /// Where a shipped file states reference facts that the family also knows in closed form, they agree.
    func testReferenceTablesAgreeWithClosedForms() throws {
        for name in ["lau-gmm", "lau-laplace", "gmm25", "many-well", "rosenbrock", "funnel"] {
            let t = try TestSupport.target(name)
            let closed = try XCTUnwrap((t.density as? any HasKnownMoments)?.knownMoments)
            if let m = closed.mean { for (a, b) in zip(m, try XCTUnwrap(t.moments.mean)) { XCTAssertEqual(a, b, accuracy: 1e-9, name) } }
            if let c = closed.covariance {
                for (a, b) in zip(c, try XCTUnwrap(t.moments.covariance)) { XCTAssertEqual(a, b, accuracy: 1e-9, name) }
            }
            XCTAssertEqual(try XCTUnwrap(closed.logNormalizer), try XCTUnwrap(t.moments.logNormalizer), accuracy: 1e-9, name)
        }
    }

    /// Normalised 2-D targets integrate to 1 (midpoint rule on a region holding all the mass; for
    /// the banana the x₂ window follows x₁², where its conditional mass sits).
    func testTwoDimensionalTargetsIntegrateToOne() throws {
        for (name, half, step) in [("lau-gmm", 12.0, 0.02), ("lau-gmm-n2", 12.0, 0.02), ("lau-laplace", 60.0, 0.05),
                                   ("gmm25", 16.0, 0.02), ("rosenbrock", 24.0, 0.005)] {
            let t = try TestSupport.target(name)
            let logZ = try XCTUnwrap(t.moments.logNormalizer)
            var total = 0.0
            var x = [0.0, 0.0]
            let n = Int(2 * half / step)
            for i in 0..<n {
                x[0] = -half + (Double(i) + 0.5) * step
                let (start, count) = name == "rosenbrock" ? (x[0] * x[0] - 3, Int(6 / step)) : (-half, n)
                for j in 0..<count {
                    x[1] = start + (Double(j) + 0.5) * step
                    total += exp(t.density.logDensity(x) - logZ)
                }
            }
            XCTAssertEqual(total * step * step, 1, accuracy: 2e-4, name)
        }
    }

    /// The reference moments of lau-gmm-l1prior (n = 5) against our own quadrature on [−12, 12]², spacing 0.01.
    func testL1PriorReferenceMomentsByQuadrature() throws {
        let t = try TestSupport.target("lau-gmm-l1prior")
        var z = 0.0, m1 = 0.0, m2 = 0.0, s11 = 0.0, s12 = 0.0, s22 = 0.0
        let h = 0.01
        var x = [0.0, 0.0]
        for i in 0...2400 {
            x[0] = -12 + Double(i) * h
            for j in 0...2400 {
                x[1] = -12 + Double(j) * h
                let p = exp(t.density.logDensity(x))
                z += p; m1 += p * x[0]; m2 += p * x[1]
                s11 += p * x[0] * x[0]; s12 += p * x[0] * x[1]; s22 += p * x[1] * x[1]
            }
        }
        let mean = [m1 / z, m2 / z]
        let cov = [s11 / z - mean[0] * mean[0], s12 / z - mean[0] * mean[1], s22 / z - mean[1] * mean[1]]
        let ref = try XCTUnwrap(t.moments.mean), rc = try XCTUnwrap(t.moments.covariance)
        XCTAssertEqual(mean[0], ref[0], accuracy: 1e-6); XCTAssertEqual(mean[1], ref[1], accuracy: 1e-6)
        XCTAssertEqual(cov[0], rc[0], accuracy: 1e-6); XCTAssertEqual(cov[1], rc[1], accuracy: 1e-6)
        XCTAssertEqual(cov[2], rc[3], accuracy: 1e-6)
    }

    func testManyWellLogNormalizerByQuadrature() {
        var z1 = 0.0
        let h = 1e-4
        var x = -6.0
        while x < 6 { z1 += exp(-(x * x * x * x - 6 * x * x - 0.5 * x)) * h; x += h }
        XCTAssertEqual(z1, ManyWell.wellNormalizer, accuracy: 1e-6 * ManyWell.wellNormalizer)
    }

    // MARK: bad input in every family

    private func error(_ text: String) -> String {
        TestSupport.parseError(text, file: "bad.toml") ?? ""
    }

    func testBadLaplaceMixture() {
        let head = "family = \"laplace-mixture\"\nweights = [1, 1]\nlocations = [[0, 0], [1, 1]]\n"
        XCTAssertTrue(error(head + "rates = [1, 0]").contains("bad.toml: field 'rates[2]': expected a positive finite rate"))
        XCTAssertTrue(error(head + "rates = [-1, 1]").contains("field 'rates[1]'"))
        XCTAssertTrue(error(head + "rates = [1]").contains("field 'rates': expected 2 rates"))
        XCTAssertTrue(error("family = \"laplace-mixture\"\nweights = [1]\nrates = [1]").contains("field 'locations': missing"))
        XCTAssertTrue(error("family = \"laplace-mixture\"\nweights = [1, 1]\nlocations = [[0, 0], [1]]\nrates = [1, 1]")
            .contains("field 'locations[2]': expected 2 coordinates"))
    }

    func testBadComposite() {
        let smooth = "[smooth]\nfamily = \"gaussian-mixture\"\nweights = [1]\nmeans = [[0, 0]]\nvariances = [1]\n"
        XCTAssertTrue(error("family = \"composite\"\n[nonsmooth]\nkind = \"l1\"\nrate = 1\n")
            .contains("field 'smooth': missing: a composite needs a [smooth] table"))
        XCTAssertTrue(error("family = \"composite\"\n" + smooth).contains("field 'nonsmooth': missing"))
        XCTAssertTrue(error("family = \"composite\"\n" + smooth + "[nonsmooth]\nkind = \"tv\"\n")
            .contains("field 'nonsmooth.kind': unknown proximal term 'tv'"))
        XCTAssertTrue(error("family = \"composite\"\n" + smooth + "[nonsmooth]\nkind = \"l1\"\nrate = 0\n")
            .contains("field 'nonsmooth.rate': expected a positive finite rate"))
        XCTAssertTrue(error("family = \"composite\"\n" + smooth + "[nonsmooth]\nkind = \"box\"\nlower = [0, 2]\nupper = [1, 1]\n")
            .contains("field 'nonsmooth.lower[2]': lower bound 2.0 must be below upper bound 1.0"))
        XCTAssertTrue(error("family = \"composite\"\n" + smooth + "[nonsmooth]\nkind = \"l1\"\nrate = 1\ncenter = [0]\n")
            .contains("field 'nonsmooth.center': expected 2 numbers"))
        XCTAssertTrue(error("family = \"composite\"\n[smooth]\nfamily = \"gaussian-mixture\"\nweights = [-1]\nmeans = [[0]]\nvariances = [1]\n[nonsmooth]\nkind = \"l1\"\nrate = 1\n")
            .contains("field 'smooth.weights[1]'"))
        XCTAssertTrue(error("family = \"composite\"\n" + smooth + "[nonsmooth]\nkind = \"l2-squared\"\n")
            .contains("field 'nonsmooth.scale': missing"))
    }

    func testBadEnergies() {
        XCTAssertTrue(error("family = \"energy\"\nenergy = \"lennard-jones\"").contains("field 'energy': unknown energy 'lennard-jones'"))
        XCTAssertTrue(error("family = \"energy\"").contains("field 'energy': missing"))
        XCTAssertTrue(error("family = \"energy\"\nenergy = \"funnel\"\ndimension = 1").contains("field 'dimension': expected at least 2"))
        XCTAssertTrue(error("family = \"energy\"\nenergy = \"mueller-brown\"\ntemperature = -1").contains("field 'temperature'"))
        XCTAssertTrue(error("family = \"energy\"\nenergy = \"many-well\"\npairs = 0").contains("field 'pairs'"))
        XCTAssertTrue(error("family = \"energy\"\nenergy = \"rosenbrock\"\nb = 0").contains("field 'b'"))
        XCTAssertTrue(error("family = \"energy\"\nenergy = \"rosenbrock\"\ndimension = 3").contains("field 'dimension': says 3"))
        XCTAssertTrue(error("family = \"energy\"\nenergy = \"funnel\"\nscael = 3").contains("field 'scael': unknown field"))
    }

    func testExactDrawsRefusedWhereThereAreNone() throws {
        for name in ["double-well", "mueller-brown", "lau-gmm-l1prior"] {
            let t = try TestSupport.target(name)
            XCTAssertThrowsError(try ExactDraws.draw(t, count: 10, seed: 1)) {
                XCTAssertTrue("\($0)".contains("has no exact sampler"), "\($0)")
            }
        }
    }
}
