import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// A Stan target's run stopped by SIGTERM at pseudo-random moments and resumed (issue 29 §4): the
/// same draws and summary bytes as the run never stopped; the checkpoint names
/// the program, its data and the compiled model by hash.
final class StanCheckpointTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        setenv("SAMPO_CACHE", StanTargetTests.cacheRoot, 1)
    }

    func testAStanRunResumesByteIdentically() throws {
        let exe = TestSupport.root.appendingPathComponent(".build/release/sampo")
        guard FileManager.default.isExecutableFile(atPath: exe.path) else { throw XCTSkip("sampo not built in release") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sampo-stan-checkpoint-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let r = try InterruptedRuns.run(exe, ["sample", "--target", "posteriordb:" + StanTargetTests.name, "--posteriordb", StanTargetTests.posteriordb,
                                              "--sampler", "nuts", "--steps", "40000", "--warmup", "2000", "--chains", "2", "--seed", "3",
                                              "--draws", "{out}/draws.csv", "--summary", "{out}/summary.csv"],
                                        folder: folder, signal: SIGTERM, delays: 0.3...0.9, seed: 29)
        let log = r.errors.joined(separator: "\n---\n")
        XCTAssertEqual(r.statuses.last, 0, "\(r.statuses)\n\(log)")
        XCTAssertTrue(r.statuses.contains(3), "never stopped mid-run: \(r.statuses)\n\(log)")
        XCTAssertEqual(r.differing + r.missing, [], log)
        XCTAssertFalse(r.checkpointLeft)
    }
}
