import XCTest
import Sampo
import SampoTestSupport

/// One test per kind of bad input: each is an error naming the file and field, never a crash.
final class BadInputTests: XCTestCase {
    private let header = "family = \"gaussian-mixture\"\n"

    private func assertError(_ body: String, contains parts: [String], line: UInt = #line) {
        guard let message = TestSupport.parseError(header + body, file: "bad.toml") else {
            return XCTFail("expected an error", line: line)
        }
        for p in parts { XCTAssertTrue(message.contains(p), "'\(message)' should contain '\(p)'", line: line) }
        XCTAssertTrue(message.hasPrefix("bad.toml: "), message, line: line)
    }

    func testCovarianceNotPositiveDefinite() {
        assertError("weights = [1, 1]\nmeans = [[0, 0], [1, 1]]\ncovariances = [[[1, 0], [0, 1]], [[1, 2], [2, 1]]]",
                    contains: ["covariances[2]", "not positive definite"])
    }

    func testCovarianceNotSymmetric() {
        assertError("weights = [1]\nmeans = [[0, 0]]\ncovariances = [[[1, 0.5], [0, 1]]]",
                    contains: ["covariances[1]", "not symmetric"])
    }

    func testNegativeOrZeroWeight() {
        assertError("weights = [1, -1]\nmeans = [[0], [1]]\nvariances = [1, 1]", contains: ["weights[2]", "positive weight"])
        assertError("weights = [0, 1]\nmeans = [[0], [1]]\nvariances = [1, 1]", contains: ["weights[1]", "positive weight"])
    }

    func testNegativeVariance() {
        assertError("weights = [1, 1]\nmeans = [[0], [1]]\nvariances = [1, -0.5]", contains: ["variances[2]", "positive finite variance"])
        assertError("weights = [1]\nmeans = [[0, 0]]\ndiagonals = [[1, 0]]", contains: ["diagonals[1][2]", "positive finite variance"])
    }

    func testMeanOfWrongLength() {
        assertError("weights = [1, 1]\nmeans = [[0, 0], [1]]\nvariances = [1, 1]", contains: ["means[2]", "expected 2 coordinates"])
        assertError("dimension = 3\nweights = [1]\nmeans = [[0, 0]]\nvariances = [1]", contains: ["dimension", "says 3"])
    }

    func testMissingField() {
        assertError("means = [[0, 0]]\nvariances = [1]", contains: ["field 'weights'", "missing"])
        assertError("weights = [1]\nmeans = [[0, 0]]", contains: ["covariances", "missing"])
        XCTAssertTrue(TestSupport.parseError("weights = [1]\n", file: "f.toml")?.contains("field 'family': missing") == true)
    }

    func testNaNAndInfiniteNumbers() {
        assertError("weights = [1]\nmeans = [[0, nan]]\nvariances = [1]", contains: ["means[1][2]", "finite"])
        assertError("weights = [inf]\nmeans = [[0, 0]]\nvariances = [1]", contains: ["weights[1]", "finite"])
    }

    func testWrongTypesAndUnknownFields() {
        assertError("weights = [1]\nmeans = [[0, \"a\"]]\nvariances = [1]", contains: ["means[1][2]", "expected a number, found a string"])
        assertError("weights = [1]\nmeans = [[0, 0]]\nvariances = [1]\ncovariance = 3", contains: ["covariance", "unknown field"])
    }

    func testUnknownFamily() {
        let m = TestSupport.parseError("family = \"gamma-mixture\"\n", file: "f.toml") ?? ""
        XCTAssertTrue(m.contains("f.toml: field 'family': unknown family 'gamma-mixture'"), m)
    }

    func testInvalidTOML() {
        let m = TestSupport.parseError("family = [\n", file: "f.toml") ?? ""
        XCTAssertTrue(m.contains("f.toml: not valid TOML at line"), m)
    }

    func testEmptyBinaryAndMissingFiles() {
        func loadError(_ path: String) -> String {
            do { _ = try TargetFile.load(path); return "" } catch { return error.message }
        }
        let empty = TestSupport.write("", name: "empty.toml")
        XCTAssertEqual(loadError(empty), "\(empty): file is empty")
        let blank = TestSupport.write("  \n\n", name: "blank.toml")
        XCTAssertEqual(loadError(blank), "\(blank): file is empty")
        let binaryURL = URL(fileURLWithPath: TestSupport.write("", name: "binary.toml"))
        try? Data([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0xff]).write(to: binaryURL)
        XCTAssertTrue(loadError(binaryURL.path).contains("not a text file"))
        XCTAssertEqual(loadError("/nonexistent/x.toml"), "/nonexistent/x.toml: target file not found")
        XCTAssertTrue(loadError("no-such-target").contains("no target named 'no-such-target'"))
    }

    func testNegativeStepSize() throws {
        let mala = try SamplerCatalog.named("mala")
        XCTAssertThrowsError(try mala.validate(stepSize: -0.1)) {
            XCTAssertTrue("\($0)".contains("step size: expected a positive finite number"))
        }
        XCTAssertThrowsError(try mala.validate(stepSize: 0))
    }

    func testUnknownSamplerParameter() throws {
        XCTAssertThrowsError(try SamplerCatalog.named("ula").parameters(["lambda": 1])) {
            XCTAssertEqual($0 as? SampoError, .unknownParameter(sampler: "ula", name: "lambda", known: []))
            XCTAssertEqual("\($0)", "sampler 'ula' has no parameter 'lambda' (it takes none)")
        }
    }

    func testZeroChainsAndOtherCounts() {
        func message(_ s: RunSettings) -> String {
            do { try s.validate(dimension: 2); return "" } catch { return error.message }
        }
        XCTAssertEqual(message(RunSettings(chains: 0)), "chains: expected at least 1 chain, found 0")
        XCTAssertEqual(message(RunSettings(steps: -5)), "steps: expected at least 1 step, found -5")
        XCTAssertEqual(message(RunSettings(warmup: -1)), "warmup: expected 0 or more iterations, found -1")
        XCTAssertEqual(message(RunSettings(thin: 0)), "thin: expected 1 or more, found 0")
        XCTAssertEqual(message(RunSettings(jobs: 0)), "jobs: expected at least 1 worker, found 0")
        XCTAssertTrue(message(RunSettings(chains: 1 << 40, steps: 1 << 40)).contains("too many values"))
    }

    func testUnknownSampler() {
        XCTAssertThrowsError(try SamplerCatalog.named("gibbs")) {
            XCTAssertTrue("\($0)".hasPrefix("unknown sampler 'gibbs' (known: ula, mala, rwm, "))
        }
    }

    func testExactDrawCountMustBePositive() throws {
        let t = try TestSupport.target("lau-gmm")
        XCTAssertThrowsError(try ExactDraws.draw(t, count: 0, seed: 1))
    }

    func testBadPointsCSV() {
        func message(_ text: String) -> String {
            do { _ = try NumericCSV.parse(text, path: "p.csv"); return "" } catch { return error.message }
        }
        XCTAssertEqual(message("x1,x2\n1,abc\n"), "p.csv: line 2, column 'x2': expected a number, found 'abc'")
        XCTAssertEqual(message("x1,x2\n1\n"), "p.csv: line 2: expected 2 cells (as the header), found 1")
        XCTAssertEqual(message("1,2\n"), "p.csv: line 1: expected a header row of column names, found numbers")
        XCTAssertEqual(message("# only a comment\n"), "p.csv: no header row")
    }
}
