import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// The hostile-input probe of issue 28: inputs that crashed, hung or ran without end are refused
/// with a message naming the setting, or handled; each case here crashed or hung before.
final class HostileInputTests: XCTestCase {
    private func formula(_ text: String, dimension: Int = 1) throws -> ExpressionTarget {
        try ExpressionTarget(formula: text, isEnergy: false, dimension: dimension)
    }

    func testFormulasNestedBeyondTheLimitAreRefusedNotAStackOverflow() throws {
        let limit = ExpressionParser.maximumDepth
        let deep = [("parentheses", String(repeating: "(", count: 20_000) + "x[1]" + String(repeating: ")", count: 20_000)),
                    ("a sum of 50 000 terms", Array(repeating: "x[1]", count: 50_000).joined(separator: "+")),
                    ("50 000 signs", String(repeating: "-", count: 50_000) + "x[1]"),
                    ("a 10⁶-character product", String(repeating: "x[1]*", count: 200_000) + "1")]
        for (what, text) in deep {
            XCTAssertThrowsError(try formula(text), what) {
                XCTAssertTrue("\($0)".contains("nests deeper than \(limit) levels"), "\(what): \($0)")
            }
        }
        // Just inside the limit: parsed and compiled (on a thread with a stack for it), and right.
        let nested = try formula(String(repeating: "(", count: limit - 10) + "-0.5*x[1]^2" + String(repeating: ")", count: limit - 10))
        XCTAssertEqual(nested.logDensity([2]), -2)
        let long = try formula(Array(repeating: "x[1]", count: limit - 100).joined(separator: "+"))
        XCTAssertEqual(long.logDensityAndGradient([0.5]).1, [Double(limit - 100)])
        // From a secondary thread with a small stack too.
        let done = expectation(description: "parsed off the main thread")
        let text = String(repeating: "(", count: limit - 10) + "x[1]" + String(repeating: ")", count: limit - 10)
        let thread = Thread {
            if (try? ExpressionTarget(formula: text, isEnergy: false, dimension: 1)) != nil { done.fulfill() }
        }
        thread.stackSize = 512 << 10
        thread.start()
        wait(for: [done], timeout: 60)
    }

    func testSpecialFunctionsAtTheirPolesAreRejectedNotAnAbort() throws {
        // lgamma's gradient is GSL's digamma, whose domain error at 0 and negative integers aborted the process.
        let target = try formula("-lgamma(x[1]) - 0.5*x[1]^2")
        for x in [0.0, -1, -2] {
            let (lp, g) = target.logDensityAndGradient([x])
            XCTAssertEqual(lp, -.infinity, "x = \(x)")
            XCTAssertTrue(g[0].isNaN, "x = \(x)")
        }
        // A log density of +∞ (a pole) is no value: NaN, which a proposal is rejected for.
        let pole = try formula("lgamma(x[1])")
        XCTAssertTrue(pole.logDensity([0]).isNaN)
        XCTAssertTrue(pole.logDensityAndGradient([0]).0.isNaN)
        let (lp, g) = target.logDensityAndGradient([0.5])
        XCTAssertEqual(lp, -lgamma(0.5) - 0.125, accuracy: 1e-14)
        XCTAssertEqual(g[0], 1.9635100260214235 - 0.5, accuracy: 1e-12)   // −ψ(½) − x
        let run = try Sampo.sample(target, with: .mala(stepSize: 0.3), chains: 2, steps: 500, seed: 1, starts: [[1], [2]])
        XCTAssertEqual(run.failedChains, [])
    }

    func testEverySizeAUserSetsIsCheckedAgainstMemory() throws {
        let lau = try TargetFile.load(named: "lau-gmm")
        XCTAssertThrowsError(try Sampo.sample(lau, with: .rdmc(innerSamples: 100_000_000_000), chains: 2, seed: 1)) {
            guard case .invalid(.samplerParameter("inner_samples"), let text)? = $0 as? SampoError else { return XCTFail("\($0)") }
            XCTAssertTrue(text.contains("GB"), text)
        }
    }

    func testLongArraysAndWideHeadersParseInLinearTime() throws {
        // 200 000 numbers in a TOML array took over 25 s (each number's error message, with its
        // line and column, was made in advance by scanning the file from the start).
        let numbers = Array(repeating: "0.5", count: 200_000).joined(separator: ", ")
        var clock = ContinuousClock.now
        let table = try TOMLDocument.parse("means = [[\(numbers)]]\n")
        XCTAssertLessThan(ContinuousClock.now - clock, .seconds(3))
        guard case .array(let outer)? = table["means"], case .array(let inner)? = outer.first else { return XCTFail("no array") }
        XCTAssertEqual(inner.count, 200_000)
        // A header of 10⁶ columns took over 40 s (every column looked up by a linear search).
        let header = (1...1_000_000).map { "x\($0)" }.joined(separator: ",")
        clock = ContinuousClock.now
        let csv = try NumericCSV.parse(header + "\n" + (1...1_000_000).map { _ in "1" }.joined(separator: ",") + "\n", path: "wide.csv")
        XCTAssertEqual(try csv.coordinateColumns().count, 1_000_000)
        XCTAssertLessThan(ContinuousClock.now - clock, .seconds(10))
    }

    func testCSVHeadersWithAByteOrderMarkOrARepeatedNameAreReadRight() throws {
        let bom = try NumericCSV.parse("\u{FEFF}y,x1\n1,2\n", path: "bom.csv")
        XCTAssertEqual(bom.header, ["y", "x1"])
        XCTAssertEqual(bom.column("y"), 0)
        XCTAssertThrowsError(try NumericCSV.parse("y,x1,y\n1,2,3\n", path: "twice.csv")) {
            XCTAssertEqual("\($0)", "twice.csv: line 1: column 'y' appears twice (columns 1 and 3); column names must be unique")
        }
    }

    func testADiagonalMixtureInHighDimensionFormsNoDenseMatrix() throws {
        // 200 000 dimensions: a d × d covariance would be 320 GB (the process aborted).
        let d = 200_000
        let m = try GaussianMixture(weights: [1], means: [[Double](repeating: 0, count: d)], covariances: .isotropic([2]))
        XCTAssertNil(m.knownMoments.covariance)
        XCTAssertEqual(m.knownMoments.mean?.count, d)
        let small = try GaussianMixture(weights: [0.5, 0.5], means: [[-1, 0], [1, 0]], covariances: .diagonal([[1, 2], [3, 4]]))
        XCTAssertEqual(small.knownMoments.covariance, [3, 0, 0, 3])   // E[Σ] + Var(μ): (1+3)/2 + 1, (2+4)/2
    }

    func testSMCSettingsAnotherKernelWouldIgnoreAreRefused() throws {
        let lau = try TargetFile.load(named: "lau-gmm")
        XCTAssertThrowsError(try Sampo.sample(lau, with: .smc(kernel: .rwm, components: 3), chains: 2)) {
            guard case .invalid(.samplerParameter("components"), let text)? = $0 as? SampoError else { return XCTFail("\($0)") }
            XCTAssertTrue(text.contains("kernel = mixture only"), text)
        }
        XCTAssertThrowsError(try Sampo.sample(lau, with: .smc(chainLength: 5), chains: 2)) {
            guard case .invalid(.samplerParameter("chain_length"), _)? = $0 as? SampoError else { return XCTFail("\($0)") }
        }
        XCTAssertNoThrow(try Sampo.sample(lau, with: .smc(particles: 200, kernel: .mixture, components: 3), chains: 2))
    }

    func testWeightDegeneracyInSMCIsAWarning() throws {
        // A reference a million times too wide in 100 dimensions: the incremental weights collapse to
        // one particle, and log Ẑ came out as −3.5e14 "± 1.0" without a word.
        let illcond = try TargetFile.load(named: "gaussian-illcond")
        let run = try Sampo.sample(illcond, with: .smc(particles: 400, referenceScale: 1e6), chains: 2, seed: 1)
        let degenerate = run.warnings.filter { $0.kind == .weightDegeneracy }
        XCTAssertEqual(degenerate.compactMap(\.chain), [0, 1], "\(run.warnings)")
        XCTAssertTrue(degenerate[0].message.contains("ESS fell to 1 of 400"), degenerate[0].message)
        // No such warning where the reference fits.
        let fine = try Sampo.sample(try TargetFile.load(named: "lau-gmm"), with: .smc(particles: 1000), chains: 2, seed: 1)
        XCTAssertEqual(fine.warnings.filter { $0.kind == .weightDegeneracy }, [])
    }

    func testAChainExplodingInsideTheDivergenceBoundIsFlagged() throws {
        // ULA with h just above 2/L on N(0, 1): |x| grows by 1.002 per step and stays finite.
        let normal = ClosureTarget(dimension: 1, logDensity: { -0.5 * $0[0] * $0[0] }, gradient: { [-$0[0]] })
        let run = try Sampo.sample(normal, with: .ula(stepSize: 2.002), chains: 4, steps: 5000, warmup: 0, seed: 1)
        XCTAssertEqual(run.failedChains, [])
        let exploding = run.warnings.filter { $0.kind == .nonStationary }
        XCTAssertEqual(exploding.count, 4, "\(run.warnings)")
        XCTAssertTrue(try XCTUnwrap(try run.summary().note).contains("exploding"))
        // Stable step sizes: none.
        for h in [0.5, 1.5, 1.99] {
            let calm = try Sampo.sample(normal, with: .ula(stepSize: h), chains: 4, steps: 5000, seed: 2)
            XCTAssertEqual(calm.warnings.filter { $0.kind == .nonStationary }, [], "h = \(h)")
        }
    }

    /// An image posterior too large for the memory limit is refused from the image's header, before
    /// its pixels or anything of its size are allocated (an 8192² image took 7.37 GB for two `map`
    /// iterations; the estimate, 14 doubles per pixel, says 7.52 GB). The limit can be set.
    func testAnImageTooLargeForMemoryIsRefusedBeforeTheWork() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sampo-big-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir); MemoryLimit.set(bytes: nil) }
        // A header that promises 8192 × 8192 pixels and holds 16: refused for its size, not its length.
        try Data(Array("P5 8192 8192 255\n".utf8) + [UInt8](repeating: 9, count: 16)).write(to: dir.appendingPathComponent("big.pgm"))
        let file = dir.appendingPathComponent("big.toml").path
        try TestSupport.phantom64.replacingOccurrences(of: "image = \"phantom\"\nsize = 64", with: "image = \"big.pgm\"")
            .write(toFile: file, atomically: true, encoding: .utf8)
        MemoryLimit.set(bytes: 4 << 30)
        XCTAssertThrowsError(try TargetFile.load(file)) {
            XCTAssertTrue("\($0)".contains("big.toml: field 'image': the working arrays of an image posterior of 8192 × 8192 pixels "
                                          + "(≈ 14 doubles each) need 7.52 GB; at most 4.29 GB (the memory limit set) is allowed"), "\($0)")
        }
        // Under a limit of 16 GiB the same header gets as far as its pixels.
        MemoryLimit.set(bytes: 16 << 30)
        XCTAssertThrowsError(try TargetFile.load(file)) { XCTAssertTrue("\($0)".contains("PGM data is short"), "\($0)") }
        // The phantom's size is checked the same way.
        try TestSupport.phantom64.replacingOccurrences(of: "size = 64", with: "size = 512").write(toFile: file, atomically: true, encoding: .utf8)
        MemoryLimit.set(bytes: 20 << 20)
        XCTAssertThrowsError(try TargetFile.load(file)) { XCTAssertTrue("\($0)".contains("field 'size': the working arrays"), "\($0)") }
        MemoryLimit.set(bytes: 40 << 20)
        XCTAssertEqual(try TargetFile.load(file).dimension, 512 * 512)
        // Sizes as a user writes them.
        XCTAssertEqual(MemoryLimit.parse("512M"), 512 << 20)
        XCTAssertEqual(MemoryLimit.parse("8g"), 8 << 30)
        XCTAssertEqual(MemoryLimit.parse("1.5GB"), 3 << 29)
        XCTAssertEqual(MemoryLimit.parse("1000"), 1000)
        for bad in ["lots", "-1G", "0", "inf", "1e30T", "G"] { XCTAssertNil(MemoryLimit.parse(bad), bad) }
    }

    func testTargetFilesReadBinaryImagesAndResolveThemAgainstTheirFolder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sampo-pgm-\(getpid())")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("img"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // A binary P5 image whose pixels include a zero byte (read as "binary" and refused before).
        var pixels = [UInt8](repeating: 0, count: 64 * 64)
        for k in pixels.indices { pixels[k] = UInt8((k * 7) % 256) }
        try Data(Array("P5 64 64 255\n".utf8) + pixels).write(to: dir.appendingPathComponent("img/truth.pgm"))
        let file = dir.appendingPathComponent("deblur.toml").path
        try TestSupport.phantom64.replacingOccurrences(of: "image = \"phantom\"\nsize = 64", with: "image = \"img/truth.pgm\"")
            .write(toFile: file, atomically: true, encoding: .utf8)
        // Loaded from another working directory: the image is found beside the target file.
        let target = try TargetFile.load(file)
        XCTAssertEqual(target.dimension, 64 * 64)
    }

    func testFileFieldsBlameTheRightThing() throws {
        // A constant that is NaN is a bad number, not "an array".
        XCTAssertThrowsError(try TargetFile.parse("family = \"expression\"\ndimension = 1\nlog_density = \"c*x[1]\"\n[constants]\nc = nan\n", file: "c.toml")) {
            XCTAssertTrue("\($0)".contains("constants.c") && "\($0)".contains("finite"), "\($0)")
        }
        // A noise level so large that the target's own step size is 0 blames the target, not a step size nobody gave.
        let huge = try TargetFile.parse(TestSupport.phantom64.replacingOccurrences(of: "noise_sd = 0.02", with: "noise_sd = 1e300"), file: "n.toml")
        XCTAssertThrowsError(try Sampo.sample(huge, with: .myula(), chains: 1, steps: 2)) {
            guard case .invalid(.argument("target", at: []), let text)? = $0 as? SampoError else { return XCTFail("\($0)") }
            XCTAssertTrue(text.contains("proposes the step size"), text)
        }
    }

    func testAReferenceCovarianceMustBeOne() throws {
        for (matrix, expected) in [("[[1, 2], [2, 1]]", "not positive semi-definite"), ("[[1, 0.5], [0.2, 1]]", "not symmetric")] {
            let text = "family = \"gaussian-mixture\"\nweights = [1]\nmeans = [[0, 0]]\nvariances = [1]\n[reference]\ncovariance = \(matrix)\n"
            XCTAssertThrowsError(try TargetFile.parse(text, file: "r.toml")) {
                XCTAssertTrue("\($0)".contains("reference.covariance") && "\($0)".contains(expected), "\($0)")
            }
        }
    }

    func testAWideRegressionFormsNoColumnByColumnMatrix() throws {
        // 3 rows × 400 columns: the smoothness constant from XXᵀ (3 × 3), equal to λ_max(XᵀX).
        let n = 3, p = 400
        var x = [Double](repeating: 0, count: n * p)
        for k in x.indices { x[k] = sin(Double(k) * 0.37) }
        let wide = RegressionTarget.largestEigenvalueOfGram(x, rows: n, columns: p)
        var gram = [Double](repeating: 0, count: p * p)
        for i in 0..<n { for a in 0..<p { for b in 0..<p { gram[a * p + b] += x[i * p + a] * x[i * p + b] } } }
        XCTAssertEqual(wide, SymmetricEigen.largestEigenvalue(gram, dimension: p), accuracy: 1e-9 * wide)
    }

    func testTheMAPKeepsABoundedObjectiveHistory() throws {
        // It kept 8 bytes per iteration without bound (14 B per iteration measured over 10⁸).
        let target = try XCTUnwrap(try TargetFile.parse(TestSupport.phantom64, file: "p.toml").density as? CompositeTarget)
        let start = try XCTUnwrap(target.naturalStart)
        let r = try CompositeMAP.fista(target, start: start, iterations: 70, historyCap: 16)
        XCTAssertLessThanOrEqual(r.objective.count, 16)
        XCTAssertEqual(r.objective.count, r.objectiveIterations.count)
        XCTAssertEqual(r.objectiveIterations.first, 8)   // every eighth iteration, after three doublings
        XCTAssertEqual(r.objectiveIterations.last, 70)
        let short = try CompositeMAP.fista(target, start: start, iterations: 50)
        XCTAssertEqual(short.objectiveIterations, Array(1...50))
        // The thinned history is the full one's subsequence.
        XCTAssertEqual(r.objective[0], try CompositeMAP.fista(target, start: start, iterations: 8).objective[7])
    }

    func testBiasAtASubnormalStepSaysSo() throws {
        XCTAssertThrowsError(try StationaryLaw.of(.ula, mean: [0], covariance: [1], stepSize: 1e-320)) {
            guard case .invalid(.stepSize, let text)? = $0 as? SampoError else { return XCTFail("\($0)") }
            XCTAssertTrue(text.contains("too small to compute with"), text)
        }
    }

    func testHMCTrajectoriesAreBoundedAndStepsOrLengthNotBoth() throws {
        let lau = try TargetFile.load(named: "lau-gmm")
        XCTAssertThrowsError(try Sampo.sample(lau, with: .hmc(stepSize: 0.1, steps: Int.max).adapting(false), chains: 1, steps: 1)) {
            guard case .invalid(.samplerParameter("steps"), let text)? = $0 as? SampoError else { return XCTFail("\($0)") }
            XCTAssertTrue(text.contains("1048576"), text)
        }
        XCTAssertThrowsError(try Sampo.sample(lau, with: .hmc(stepSize: 0.1, steps: 20, length: 2).adapting(false), chains: 1, steps: 1)) {
            guard case .invalid(.samplerParameter("length"), let text)? = $0 as? SampoError else { return XCTFail("\($0)") }
            XCTAssertTrue(text.contains("not both"), text)
        }
        // An integration time of 1e308 runs the longest trajectory, 2^20 steps, and ends.
        let long = try Sampo.sample(lau, with: .hmc(stepSize: 0.1, length: 1e308).adapting(false), chains: 1, steps: 1, warmup: 0, seed: 1)
        XCTAssertEqual(long.counts.gradientEvaluations, 1 + (1 << 20))
    }
}
