import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// A model with constrained parameters (σ > 0, a simplex), a transformed parameter and a generated
/// quantity (Tests/Fixtures/stan-models/constrained_gq.stan); and one that rejects every point.
final class StanConstrainedModelTests: XCTestCase {
    static let folder = TestSupport.root.appendingPathComponent("Tests/Fixtures/stan-models").path
    static let data = #"{"N": 5, "y": [1.2, -0.3, 2.1, 0.8, 1.6]}"#

    override class func setUp() {
        super.setUp()
        setenv("SAMPO_CACHE", StanTargetTests.cacheRoot, 1)
    }

    nonisolated(unsafe) static var shared: Result<StanModel, SampoError>?
    static func model() throws -> StanModel {
        if shared == nil {
            shared = Result { () throws(SampoError) -> StanModel in try StanModel(program: folder + "/constrained_gq.stan", data: data) }
        }
        return try shared!.get()
    }

    /// NUTS 4 × 1 000 after 1 000 warm-up: the simplex's means within 5 MCSE of the Dirichlet(2, 3, 5)
    /// means and sds within 10% of its sds (a wrong simplex transform or Jacobian moves them far more);
    /// every draw a simplex, log_sigma = log σ, y_rep's mean within 5 MCSE of μ's.
    func testConstrainedValuesTransformedParametersAndGeneratedQuantities() throws {
        let m = try Self.model()
        XCTAssertEqual(m.dimension, 4)   // μ, log σ, and the simplex's 2 free coordinates
        XCTAssertEqual(m.reportedNames, ["lp__", "mu", "sigma", "w[1]", "w[2]", "w[3]", "log_sigma", "y_rep"])
        let run = try Sampo.sample(m, with: .nuts(), chains: 4, steps: 1_000, warmup: 1_000, seed: 11)
        let s = try run.summary()
        let alpha = [2.0, 3.0, 5.0], a0 = 10.0
        for i in 0..<3 {
            let row = try XCTUnwrap(s["w[\(i + 1)]"])
            let mean = alpha[i] / a0, sd = (alpha[i] * (a0 - alpha[i]) / (a0 * a0 * (a0 + 1))).squareRoot()
            XCTAssertLessThan(abs(row.mean - mean) / (row.mcseMean ?? .nan), 5, "w[\(i + 1)] mean \(row.mean) vs \(mean)")
            XCTAssertEqual(try XCTUnwrap(row.sd) / sd, 1, accuracy: 0.1, "w[\(i + 1)] sd")
        }
        let d = run.draws.dimension
        for c in 0..<run.draws.chains {
            for k in 0..<run.draws.recorded[c] {
                let v = (0..<d).map { run.draws.value(chain: c, draw: k, coordinate: $0) }
                XCTAssertEqual(v[3] + v[4] + v[5], 1, accuracy: 1e-12)
                XCTAssertGreaterThan(v[2], 0)
                XCTAssertEqual(v[6], log(v[2]), accuracy: 1e-12)
            }
        }
        let mu = try XCTUnwrap(s["mu"]), yRep = try XCTUnwrap(s["y_rep"])
        let se = ((mu.mcseMean ?? .nan) * (mu.mcseMean ?? .nan) + (yRep.mcseMean ?? .nan) * (yRep.mcseMean ?? .nan)).squareRoot()
        XCTAssertLessThan(abs(yRep.mean - mu.mean) / se, 5)
    }

    /// Generated quantities repeat with the seed, do not depend on jobs, and change with the seed.
    func testGeneratedQuantitiesAreReproducibleBySeed() throws {
        let m = try Self.model()
        let a = try Sampo.sample(m, with: .nuts(), chains: 3, steps: 200, warmup: 200, seed: 4, jobs: 1)
        let b = try Sampo.sample(m, with: .nuts(), chains: 3, steps: 200, warmup: 200, seed: 4, jobs: 2)
        let c = try Sampo.sample(m, with: .nuts(), chains: 3, steps: 200, warmup: 200, seed: 5, jobs: 2)
        XCTAssertEqual(a.draws, b.draws)
        let yRep = 7
        XCTAssertNotEqual(a.draws.value(chain: 0, draw: 0, coordinate: yRep), c.draws.value(chain: 0, draw: 0, coordinate: yRep))
        // Chains draw from their own streams: two chains' y_rep sequences differ.
        XCTAssertNotEqual(a.draws.value(chain: 0, draw: 5, coordinate: yRep), a.draws.value(chain: 1, draw: 5, coordinate: yRep))
    }

    /// SMC on a Stan target: its particles are reported as constrained values too.
    func testPopulationSamplersReportConstrainedValues() throws {
        let m = try Self.model()
        let run = try Sampo.sample(m, with: .smc(particles: 400), chains: 2, seed: 3)
        XCTAssertEqual(run.draws.dimension, 8)
        let w = try XCTUnwrap(try run.summary()["w[3]"])
        XCTAssertEqual(w.mean, 0.5, accuracy: 0.05)
    }

    /// A model that rejects every point: the run stops at the start with the model's reason (exit 1),
    /// and two processes compiling it at once into an empty cache both succeed.
    func testAModelThatRejectsEveryPointStopsAtTheStartAndConcurrentCompilesBothSucceed() throws {
        let exe = TestSupport.root.appendingPathComponent(".build/release/sampo")
        guard FileManager.default.isExecutableFile(atPath: exe.path) else { throw XCTSkip("sampo not built in release") }
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("sampo-concurrent-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        var processes: [(Process, Pipe)] = []
        for _ in 0..<2 {
            let p = Process(), err = Pipe()
            p.executableURL = exe
            p.arguments = ["sample", "--target", Self.folder + "/reject_all.stan", "--sampler", "nuts", "--steps", "10"]
            p.environment = ProcessInfo.processInfo.environment.merging(["SAMPO_CACHE": cache]) { $1 }
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            processes.append((p, err))
        }
        for (p, err) in processes {
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 1, text)
            XCTAssertTrue(text.contains("starting point"), text)
            XCTAssertTrue(text.contains("this model rejects every point"), text)
        }
        let entries = try FileManager.default.contentsOfDirectory(atPath: cache + "/stan").filter { !$0.hasPrefix(".") }
        XCTAssertEqual(entries.count, 1, "one cache entry: \(entries)")
    }
}
