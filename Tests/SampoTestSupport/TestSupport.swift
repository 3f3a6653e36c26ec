import Foundation
import XCTest
import Sampo

/// Helpers shared by the tests.
package enum TestSupport {
    /// The repository root (for shipped targets and the built executable).
    package static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The built `sampo` executable: beside the test bundle (swift test runs it from the build
    /// folder), else the repository's release or debug build; the test is skipped without one.
    package static func sampoExecutable() throws -> URL {
        let candidates = [Bundle.main.bundleURL.appendingPathComponent("sampo"),
                          URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sampo"),
                          root.appendingPathComponent(".build/release/sampo"),
                          root.appendingPathComponent(".build/debug/sampo")]
        guard let url = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw XCTSkip("sampo executable not built")
        }
        return url
    }

    /// Runs the built `sampo` with `args` in `directory` (default: the repository root).
    package static func runSampo(_ args: [String], in directory: URL? = nil) throws -> (status: Int32, out: String, err: String) {
        try run(try sampoExecutable().path, args, in: directory ?? root)
    }

    /// Runs a program and waits; stderr goes to a file, so that a full pipe cannot stall the program
    /// while its stdout is read.
    package static func run(_ executable: String, _ args: [String], in directory: URL) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        p.currentDirectoryURL = directory
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("sampo-stderr-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).txt")
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errFile) }
        let out = Pipe()
        p.standardOutput = out; p.standardError = try FileHandle(forWritingTo: errFile)
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), (try? String(contentsOf: errFile, encoding: .utf8)) ?? "")
    }

    package static func target(_ name: String) throws -> NamedTarget {
        try TargetFile.load(root.appendingPathComponent("targets/\(name).toml").path)
    }

    /// Mean and batch-means Monte Carlo standard error of f over the chains' draws:
    /// each chain is cut into ⌊√n⌋ batches and the spread of batch means gives the error.
    package static func batchMeans(_ series: [[Double]]) -> (mean: Double, mcse: Double) {
        var batchMeans: [Double] = []
        var total = 0.0, count = 0
        for s in series {
            let b = Int(Double(s.count).squareRoot())
            let size = s.count / b
            for k in 0..<b {
                let slice = s[(k * size)..<((k + 1) * size)]
                batchMeans.append(slice.reduce(0, +) / Double(size))
            }
            total += s.reduce(0, +)
            count += s.count
        }
        let m = batchMeans.reduce(0, +) / Double(batchMeans.count)
        let v = batchMeans.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(batchMeans.count - 1)
        return (total / Double(count), (v / Double(batchMeans.count)).squareRoot())
    }

    /// Mean and covariance of the chains against the exact moments, within 5 batch-means MCSE.
    package static func assertMomentsRecovered(_ run: ChainRun, _ target: NamedTarget, file: StaticString = #filePath,
                                        line: UInt = #line) throws {
        let mean = try XCTUnwrap(target.moments.mean), cov = try XCTUnwrap(target.moments.covariance)
        let d = target.dimension
        XCTAssertTrue(run.divergedChains.isEmpty)
        for a in 0..<d {
            let s = (0..<run.draws.chains).map { run.draws.series(chain: $0, coordinate: a) }
            let (m, se) = TestSupport.batchMeans(s)
            XCTAssertLessThan(abs(m - mean[a]), 5 * se, "mean x\(a + 1): \(m) vs \(mean[a]) (mcse \(se))", file: file, line: line)
            for b in 0...a {
                let f = (0..<run.draws.chains).map { c in
                    zip(run.draws.series(chain: c, coordinate: a), run.draws.series(chain: c, coordinate: b))
                        .map { ($0 - mean[a]) * ($1 - mean[b]) }
                }
                let (cm, cse) = TestSupport.batchMeans(f)
                XCTAssertLessThan(abs(cm - cov[a * d + b]), 5 * cse,
                                  "cov(\(a + 1),\(b + 1)): \(cm) vs \(cov[a * d + b]) (mcse \(cse))", file: file, line: line)
            }
        }
    }

    /// A parse error message for target text, or nil if it parsed.
    package static func parseError(_ text: String, file: String = "t.toml") -> String? {
        do { _ = try TargetFile.parse(text, file: file); return nil } catch { return error.message }
    }

    package static func write(_ text: String, name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sampo-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try? text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// A 64 × 64 phantom deblurring posterior (uniform 5 × 5 blur, σ = 0.02, TV θ = 20).
    package static let phantom64 = """
    family = "deconvolution"
    image = "phantom"
    size = 64
    blur = { kind = "uniform", width = 5 }
    noise_sd = 0.02
    [prior]
    kind = "tv"
    theta = 20.0

    """
}
