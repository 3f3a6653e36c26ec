import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// Stan programs as targets, on posteriordb's eight_schools_noncentered (a copy of its files, BSD-3,
/// is in Tests/Fixtures/posteriordb). The model is compiled once per checkout into .build/ and reused.
final class StanTargetTests: XCTestCase {
    static let posteriordb = TestSupport.root.appendingPathComponent("Tests/Fixtures/posteriordb").path
    static let cacheRoot = TestSupport.root.appendingPathComponent(".build/stan-test-cache").path
    static let cache = cacheRoot + "/stan"

    /// Every way of loading (the API, target files, `sampo`) uses the test cache.
    override class func setUp() {
        super.setUp()
        setenv("SAMPO_CACHE", cacheRoot, 1)
    }
    static let name = "eight_schools-eight_schools_noncentered"
    static let data: (y: [Double], sigma: [Double]) = ([28, 8, -3, 7, -1, 1, 18, 12], [15, 10, 16, 11, 9, 11, 10, 18])

    /// One model for every test (compiling is the slow part).
    nonisolated(unsafe) static var shared: Result<StanModel, SampoError>?
    static func model() throws -> StanModel {
        if shared == nil {
            shared = Result { () throws(SampoError) -> StanModel in
                let db = PosteriorDB(folder: posteriordb)
                let p = try db.posterior(name)
                return try StanModel(program: p.modelPath, data: try db.dataText(p), dataPath: p.dataPath, cacheFolder: cache)
            }
        }
        return try shared!.get()
    }

    /// The model written out by hand on the unconstrained space u = (θ̃₁…θ̃₈, μ, log τ), with the
    /// constants Stan drops (`~` statements) dropped: log p = −½Σθ̃² − ½Σ((y − μ − τθ̃)/σ)² − ½(μ/5)²
    /// − log(1 + (τ/5)²) + log τ (the Jacobian of τ = exp u₁₀). Returns it and its gradient.
    static func handWritten(_ u: [Double]) -> (Double, [Double]) {
        let tt = Array(u[0..<8]), mu = u[8], tau = exp(u[9])
        var lp = -0.5 * mu * mu / 25 - log(1 + tau * tau / 25) + u[9]
        var g = [Double](repeating: 0, count: 10)
        var dTau = 0.0
        for j in 0..<8 {
            let r = (data.y[j] - mu - tau * tt[j]) / (data.sigma[j] * data.sigma[j])
            lp += -0.5 * tt[j] * tt[j] - 0.5 * (data.y[j] - mu - tau * tt[j]) * r
            g[j] = -tt[j] + r * tau
            g[8] += r
            dTau += r * tt[j]
        }
        g[8] -= mu / 25
        g[9] = tau * (dTau - 2 * tau / 25 / (1 + tau * tau / 25)) + 1
        return (lp, g)
    }

    func testLogDensityAndGradientAreTheModelsToRoundOff() throws {
        let m = try Self.model()
        XCTAssertEqual(m.dimension, 10)
        let rng = RandomStream(seed: 7)
        for _ in 0..<20 {
            let u = (0..<10).map { _ in 2 * rng.normal() }
            let (lp, g) = m.logDensityAndGradient(u)
            let (lpHand, gHand) = Self.handWritten(u)
            XCTAssertEqual(lp, lpHand, accuracy: 1e-10 * max(1, abs(lpHand)))
            XCTAssertEqual(m.logDensity(u), lp, accuracy: 1e-12 * max(1, abs(lp)))
            for j in 0..<10 { XCTAssertEqual(g[j], gHand[j], accuracy: 1e-10 * max(1, abs(gHand[j])), "∂/∂u\(j + 1)") }
        }
    }

    func testNamesAndConstrainedValuesAreStans() throws {
        let m = try Self.model()
        let theta = (1...8).map { "theta[\($0)]" }
        XCTAssertEqual(m.unconstrainedNames, (1...8).map { "theta_trans[\($0)]" } + ["mu", "tau"])
        XCTAssertEqual(m.outputNames, (1...8).map { "theta_trans[\($0)]" } + ["mu", "tau"] + theta)
        XCTAssertEqual(m.reportedNames.first, "lp__")
        let u = (0..<10).map { Double($0) / 10 - 0.4 }
        let v = try m.constrain(u)
        let tau = exp(u[9])
        XCTAssertEqual(v[9], tau, accuracy: 1e-15 * tau)
        for j in 0..<8 { XCTAssertEqual(v[10 + j], u[j] * tau + u[8], accuracy: 1e-13) }
        XCTAssertEqual(StanNames.bracketed("Sigma.2.13"), "Sigma[2,13]")
        XCTAssertEqual(StanNames.dotted("Sigma[2,13]"), "Sigma.2.13")
        XCTAssertEqual(StanNames.bracketed("z.real"), "z.real")
    }

    /// NUTS, 4 × 1 000 after 1 000 warm-up, against posteriordb's gold standard (10 × 1 000 draws of
    /// rstan) on eight_schools_noncentered, arK (an autoregression) and kidscore_momiq (a regression
    /// with strongly correlated coefficients): every mean within 5 combined MCSE (Sampo's and the
    /// reference's, each from its own ESS) and every sd within 10%. Power: a bias of 5 combined MCSE
    /// (0.4 in θ, 0.25 in μ of eight schools) in any reference mean, or a 10% error in any sd.
    /// `ReferenceAgreement` (diagnose, compare) must give the same largest |z|.
    func testNUTSAgreesWithThePosteriordbReferences() throws {
        let db = PosteriorDB(folder: Self.posteriordb)
        for name in [Self.name, "arK-arK", "kidiq-kidscore_momiq"] {
            let target = try TargetFile.load("posteriordb:" + name, posteriordb: Self.posteriordb)
            XCTAssertEqual(target.family, "stan")
            let run = try Sampo.sample(target, with: .nuts(), chains: 4, steps: 1_000, warmup: 1_000, seed: 11)
            let summary = try run.summary()
            XCTAssertEqual(summary.parameters.first?.parameter, "lp__")
            let chains = try db.referenceDraws(try db.posterior(name))
            XCTAssertEqual(chains.count, 10, name)
            var largest = 0.0
            for parameter in chains[0].keys.sorted() {
                let ref = try ParameterSummary(parameter: parameter, chains: chains.map { $0[parameter]! })
                let ours = try XCTUnwrap(summary[parameter], "\(name): \(parameter)")
                let se = (pow(ours.mcseMean ?? .nan, 2) + pow(ref.mcseMean ?? .nan, 2)).squareRoot()
                let z = (ours.mean - ref.mean) / se
                largest = max(largest, abs(z))
                XCTAssertLessThan(abs(z), 5, "\(name) \(parameter): mean \(ours.mean) vs reference \(ref.mean) ± \(se)")
                let ratio = try XCTUnwrap(ours.sd) / XCTUnwrap(ref.sd)
                XCTAssertEqual(ratio, 1, accuracy: 0.1, "\(name) \(parameter): sd ratio \(ratio)")
            }
            let agreement = try ReferenceAgreement(summaries: summary.parameters, reference: chains)
            XCTAssertEqual(try XCTUnwrap(agreement.maxAbsZ), largest, accuracy: 1e-12 * max(1, largest), name)
            print("posteriordb \(name): NUTS max |z| \(String(format: "%.2f", largest)), max sd error \(String(format: "%.3f", agreement.maxSDError ?? .nan)), \(run.counts.gradientEvaluations) gradients")
        }
    }

    /// The README's Swift example: a program and its data, draws named as Stan names them.
    func testReadmeExample() throws {
        let program = Self.posteriordb + "/models/stan/eight_schools_noncentered.stan"
        let schools = try StanModel(program: program, data: #"{"J": 2, "y": [28, 8], "sigma": [15, 10]}"#)
        let fit = try Sampo.sample(schools, with: .nuts(), chains: 4, steps: 1_000, seed: 11)
        XCTAssertEqual(Array(fit.names.prefix(3)), ["lp__", "theta_trans[1]", "theta_trans[2]"])
        XCTAssertEqual(fit.names.count, 1 + 2 + 2 + 2)
        let tau = try XCTUnwrap(try fit.summary()["tau"]?.mean)
        XCTAssertGreaterThan(tau, 0)
    }

    /// The same seed gives the same draws for any number of jobs.
    func testDrawsDoNotDependOnJobs() throws {
        let m = try Self.model()
        let one = try Sampo.sample(m, with: .nuts(), chains: 3, steps: 200, warmup: 200, seed: 5, jobs: 1)
        let two = try Sampo.sample(m, with: .nuts(), chains: 3, steps: 200, warmup: 200, seed: 5, jobs: 2)
        XCTAssertEqual(one.draws, two.draws)
        XCTAssertEqual(one.draws.dimension, 19)
    }

    func testBadProgramsDataAndNamesSayWhatIsWrong() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sampo-stan-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A syntax error: stanc's message with line and column, as a bad file.
        let bad = dir + "/bad.stan"
        try "parameters {\n  real mu\n}\nmodel {\n  mu ~ normal(0, 1);\n}\n".write(toFile: bad, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try StanModel(program: bad, cacheFolder: dir + "/cache")) { error in
            let e = error as? SampoError
            XCTAssertEqual(e?.isUsage, true)
            XCTAssertTrue("\(error)".contains("line 3"), "\(error)")
            XCTAssertTrue("\(error)".contains("column"), "\(error)")
        }
        // Data missing a variable: the variable is named.
        let p = try PosteriorDB(folder: Self.posteriordb).posterior(Self.name)
        let compiled = try StanCompiler(toolchain: try StanToolchain.locate(), cacheFolder: Self.cache).compile(programAt: p.modelPath)
        XCTAssertThrowsError(try StanModel(library: compiled.library, program: p.modelPath, data: "{\"J\": 8, \"y\": [1,2,3,4,5,6,7,8]}", dataPath: "d.json")) { error in
            XCTAssertTrue("\(error)".contains("sigma"), "\(error)")
            XCTAssertTrue("\(error)".hasPrefix("d.json"), "\(error)")
        }
        // Data of the wrong shape.
        XCTAssertThrowsError(try StanModel(library: compiled.library, program: p.modelPath, data: "{\"J\": 8, \"y\": [1,2,3], \"sigma\": [1,1,1,1,1,1,1,1]}", dataPath: "d.json")) { error in
            XCTAssertTrue("\(error)".contains("y"), "\(error)")
        }
        // No toolchain: the install hint.
        XCTAssertThrowsError(try StanToolchain.locate(environment: ["SAMPO_STAN_HOME": dir + "/none"])) { error in
            XCTAssertTrue("\(error)".contains("make setup"), "\(error)")
            XCTAssertEqual((error as? SampoError)?.isUsage, true)
        }
        // A posteriordb name that does not exist: the nearest names.
        XCTAssertThrowsError(try TargetFile.load("posteriordb:eight_school", posteriordb: Self.posteriordb)) { error in
            XCTAssertTrue("\(error)".contains("nearest: " + Self.name), "\(error)")
        }
    }

    /// A cache entry whose library does not match its checksum is not loaded.
    func testACorruptCacheEntryIsNotValid() throws {
        _ = try Self.model()
        let p = try PosteriorDB(folder: Self.posteriordb).posterior(Self.name)
        let compiled = try StanCompiler(toolchain: try StanToolchain.locate(), cacheFolder: Self.cache).compile(programAt: p.modelPath)
        XCTAssertFalse(compiled.compiled)
        let entry = (compiled.library as NSString).deletingLastPathComponent
        XCTAssertTrue(StanCompiler.isValidEntry(entry))
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("sampo-corrupt-\(getpid())").path
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: entry, toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: copy + "/model.so"))
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: copy + "/model.so"))
        XCTAssertFalse(StanCompiler.isValidEntry(copy))
    }
}
