import XCTest
import Sampo
import SampoTestSupport

/// Names with commas (a Stan matrix entry `theta[1,2]`) or quotes survive every CSV Sampo writes and
/// reads: before, `theta[1,2]` split into two header cells and shifted every column after it.
final class CSVFieldTests: XCTestCase {
    func testQuotingRoundTrips() {
        for name in ["mu", "theta[1,2]", "a \"b\", c", "", "x,", "\"q\""] {
            XCTAssertEqual(CSVField.split("1," + CSVField.escaped(name) + ",2"), ["1", name, "2"], name)
        }
        XCTAssertEqual(CSVField.escaped("theta[1,2]"), "\"theta[1,2]\"")
        XCTAssertEqual(CSVField.escaped("mu"), "mu")
    }

    func testDrawsSummaryAndMomentsKeepMatrixNames() throws {
        let names = ["mu", "theta[1,2]", "theta[2,2]"]
        let draws = Draws(chains: 2, capacity: 50, dimension: 3, values: (0..<300).map { Double(($0 * 37) % 101) / 10 })
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("csvfield-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("draws.csv").path
        try DrawsCSV.write(draws, names: names, to: path)
        let back = try ChainFiles.read([path])
        XCTAssertEqual(back.parameters, names)
        let rows = try back.summarize()
        XCTAssertEqual(rows.map(\.parameter), names)
        // The summary keeps one cell per column on the matrix rows.
        let summary = SummaryCSV.render(rows)
        let lines = summary.split(separator: "\n")
        let width = CSVField.split(lines[0]).count
        for line in lines.dropFirst() { XCTAssertEqual(CSVField.split(line).count, width, String(line)) }
        XCTAssertTrue(lines[2].hasPrefix("\"theta[1,2]\","), String(lines[2]))
        var moments = RunningMoments(dimension: 3, probabilities: [0.5])
        for point in draws.points(chains: [0]) { point.withUnsafeBufferPointer { moments.add($0.baseAddress!) } }
        let momentsPath = folder.appendingPathComponent("moments.csv").path
        try AtomicFile.write(MomentsCSV.render(moments, names: names), to: momentsPath)
        XCTAssertEqual(try MomentsCSV.read(momentsPath).names, names)
    }
}
