import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// Mutants of the shipped target files, an experiment file and a draws CSV, each read in this
/// process: any abort, trap or hang fails the run. Every mutant must either parse or be refused
/// with a message (issue 11).
final class MutationFuzzTests: XCTestCase {

    func testMutantsOfShippedTargetsAndExperimentsNeverAbort() throws {
        let targets = try FileManager.default.contentsOfDirectory(atPath: TestSupport.root.appendingPathComponent("targets").path)
            .filter { $0.hasSuffix(".toml") }.sorted()
        let experiment = """
            targets = ["lau-gmm", "gmm25"]
            seeds = "1-3"
            budget = 20000
            chains = 4
            tune = false
            [[samplers]]
            name = "mala"
            step_size = 0.2
            [[samplers]]
            name = "smc"
            set = { particles = 2000, resampling = "systematic" }
            """
        var sources = try targets.map { try Array(Data(contentsOf: TestSupport.root.appendingPathComponent("targets/\($0)"))) }
        sources.append(Array(experiment.utf8))
        var rng = Mutator(state: 11)
        var parsed = 0, refused = 0, unnamed: [String] = []
        for k in 0..<4000 {
            let source = k % sources.count
            let mutant = String(decoding: rng.mutate(sources[source]), as: UTF8.self)
            do {
                if source == sources.count - 1 {
                    let grid = try ExperimentFile.parse(mutant, file: "mutant.toml")
                    XCTAssertFalse(grid.cells.isEmpty, "a parsed experiment has cells to run")
                } else {
                    // A mutant that parses is a usable target: a dimension and a density to call.
                    let target = try TargetFile.parse(mutant, file: "mutant.toml")
                    XCTAssertGreaterThan(target.dimension, 0)
                    if target.dimension <= 1 << 16 { _ = target.density.logDensity([Double](repeating: 0, count: target.dimension)) }
                }
                parsed += 1
            } catch {
                // A refusal names the file it refuses (and, past the reader, the field or line).
                if !error.message.hasPrefix("mutant.toml") { unnamed.append(error.message) }
                refused += 1
            }
        }
        XCTAssertEqual(unnamed, [], "refusals that do not name the file")
        XCTAssertGreaterThan(refused, 500, "the mutations should break most files")
        XCTAssertGreaterThan(parsed, 100, "some mutants are still valid files")
    }

    func testMutantsOfADrawsCSVNeverAbort() throws {
        var text = "# sampler = mala\nchain,draw,x1,x2\n"
        var rng = Mutator(state: 5)
        for chain in 1...2 {
            for draw in 1...50 {
                text += "\(chain),\(draw),\(Double(rng.below(2000)) / 1000 - 1),\(Double(rng.below(2000)) / 100 - 10)\n"
            }
        }
        let source = Array(text.utf8)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sampo-fuzz-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("draws.csv").path
        var summarised = 0, refused = 0
        for _ in 0..<2000 {
            try Data(rng.mutate(source)).write(to: URL(fileURLWithPath: path))
            do {
                let rows = try ChainFiles.read([path]).summarize()
                XCTAssertFalse(rows.isEmpty, "a summarised file has parameters")
                summarised += 1
            } catch {
                // A refusal names the file.
                XCTAssertTrue(error.message.contains("draws.csv"), error.message)
                refused += 1
            }
        }
        XCTAssertGreaterThan(refused, 200)
        XCTAssertGreaterThan(summarised, 100)
    }
}
