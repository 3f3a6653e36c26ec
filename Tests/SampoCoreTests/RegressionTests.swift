import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// Regression posteriors on CSV data: likelihoods and gradients, standardisation, the composite
/// split under a Laplace prior, named parameters, and every bad data case.
final class RegressionTests: XCTestCase {
    private let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sampo-regression-\(getpid())").path

    private func write(_ name: String, _ text: String) -> String {
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = (dir as NSString).appendingPathComponent(name)
        try? text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private let data = "a,b,y,k,r\n0.5,1.0,1,3,0.7\n-1.2,0.3,0,0,-1.1\n2.0,-0.7,1,5,2.4\n0.1,0.9,0,1,0.2\n-0.4,-1.5,1,2,-0.3\n"

    private func target(_ likelihood: String, response: String, extra: String = "",
                        prior: String = "scale = 2\nintercept_scale = 4", name: String? = nil) throws -> NamedTarget {
        _ = write("d.csv", data)
        let file = write(name ?? "t-\(likelihood).toml", """
            family = "regression"
            likelihood = "\(likelihood)"
            data = "d.csv"
            response = "\(response)"
            covariates = ["a", "b"]
            \(extra)
            [prior]
            \(prior)
            """)
        return try TargetFile.load(file)
    }

    /// Direct double loop over rows and columns, with the same standardisation.
    private func direct(_ likelihood: String, y: [Double], beta: [Double], noise: Double = 1) -> (Double, [Double]) {
        let a = [0.5, -1.2, 2.0, 0.1, -0.4], b = [1.0, 0.3, -0.7, 0.9, -1.5]
        func standardised(_ v: [Double]) -> [Double] {
            let m = v.reduce(0, +) / 5, s = (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / 4).squareRoot()
            return v.map { ($0 - m) / s }
        }
        let sa = standardised(a), sb = standardised(b)
        var lp = -beta[0] * beta[0] / 32 - (beta[1] * beta[1] + beta[2] * beta[2]) / 8
        var g = [-beta[0] / 16, -beta[1] / 4, -beta[2] / 4]
        for i in 0..<5 {
            let x = [1, sa[i], sb[i]]
            var eta = 0.0
            for j in 0..<3 { eta += x[j] * beta[j] }
            var l = 0.0, dl = 0.0
            switch likelihood {
            case "logistic":
                let p = 1 / (1 + exp(-eta))
                l = y[i] * log(p) + (1 - y[i]) * log(1 - p); dl = y[i] - p
            case "probit":
                let phi = exp(-eta * eta / 2) / (2 * Double.pi).squareRoot(), cdf = 0.5 * erfc(-eta / 2.0.squareRoot())
                l = y[i] * log(cdf) + (1 - y[i]) * log(1 - cdf); dl = y[i] * phi / cdf - (1 - y[i]) * phi / (1 - cdf)
            case "poisson":
                l = y[i] * eta - exp(eta); dl = y[i] - exp(eta)
            default:
                l = -(y[i] - eta) * (y[i] - eta) / (2 * noise * noise); dl = (y[i] - eta) / (noise * noise)
            }
            lp += l
            for j in 0..<3 { g[j] += dl * x[j] }
        }
        return (lp, g)
    }

    func testLikelihoodsAndGradientsAgainstADirectLoop() throws {
        let cases: [(String, String, [Double], String)] = [
            ("logistic", "y", [1, 0, 1, 0, 1], ""), ("probit", "y", [1, 0, 1, 0, 1], ""),
            ("poisson", "k", [3, 0, 5, 1, 2], ""), ("gaussian", "r", [0.7, -1.1, 2.4, 0.2, -0.3], "noise_sd = 0.5"),
        ]
        let rng = RandomStream(seed: 2)
        for (likelihood, response, y, extra) in cases {
            let t = try target(likelihood, response: response, extra: extra)
            XCTAssertEqual(t.parameterNames, ["intercept", "a", "b"])
            for _ in 0..<5 {
                let beta = (0..<3).map { _ in rng.normal() }
                let (lp, g) = t.density.logDensityAndGradient(beta)
                let (elp, eg) = direct(likelihood, y: y, beta: beta, noise: likelihood == "gaussian" ? 0.5 : 1)
                // Sampo drops terms constant in β; compare differences between two points.
                let (lp0, _) = t.density.logDensityAndGradient([0, 0, 0])
                let (elp0, _) = direct(likelihood, y: y, beta: [0, 0, 0], noise: likelihood == "gaussian" ? 0.5 : 1)
                XCTAssertEqual(lp - lp0, elp - elp0, accuracy: 1e-10 * max(1, abs(elp)), likelihood)
                for j in 0..<3 { XCTAssertEqual(g[j], eg[j], accuracy: 1e-10 * max(1, abs(eg[j])), "\(likelihood) ∂\(j)") }
            }
        }
    }

    func testStandardisationAndTheLaplaceComposite() throws {
        let t = try target("logistic", response: "y")
        let model = try XCTUnwrap(t.density as? RegressionTarget)
        for j in 1..<3 {
            let column = (0..<5).map { model.design[$0 * 3 + j] }
            let mean = column.reduce(0, +) / 5
            XCTAssertEqual(mean, 0, accuracy: 1e-14)
            XCTAssertEqual(column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4, 1, accuracy: 1e-14)
            XCTAssertEqual(model.design[j * 3], 1)
        }
        let sparse = try target("logistic", response: "y", extra: "").density
        XCTAssertTrue(sparse is RegressionTarget)
        let laplace = try target("logistic", response: "y", prior: "kind = \"laplace\"\nscale = 0.5\nintercept_scale = 4",
                                 name: "sparse.toml")
        let composite = try XCTUnwrap(laplace.density as? CompositeTarget)
        XCTAssertEqual(laplace.parameterNames, ["intercept", "a", "b"])
        let smooth = try XCTUnwrap(composite.smooth as? RegressionTarget)
        let beta = [0.3, -0.8, 1.1]
        // The smooth part carries only the intercept's prior; the ℓ1 term the slopes', at rate 1/scale.
        let normal = try XCTUnwrap(t.density as? RegressionTarget)
        XCTAssertEqual(smooth.logDensity(beta) - normal.logDensity(beta), (0.8 * 0.8 + 1.1 * 1.1) / 8, accuracy: 1e-12)
        let g = beta.withUnsafeBufferPointer { composite.nonsmooth.value(at: $0.baseAddress!, dimension: 3) }
        XCTAssertEqual(g, (0.8 + 1.1) / 0.5, accuracy: 1e-14)
        XCTAssertEqual(composite.logDensity(beta), smooth.logDensity(beta) - g, accuracy: 1e-12)
    }

    func testBadData() throws {
        func message(_ csv: String, _ body: String) -> String {
            _ = write("bad.csv", csv)
            let file = write("bad.toml", "family = \"regression\"\ndata = \"bad.csv\"\n" + body)
            do { _ = try TargetFile.load(file); return "" } catch { return error.message }
        }
        let logistic = "likelihood = \"logistic\"\nresponse = \"y\"\n"
        XCTAssertTrue(message("a,y\n1,0\n2,1\n", "likelihood = \"logistic\"\nresponse = \"z\"\n").contains("field 'response': no column 'z'"))
        XCTAssertTrue(message("a,y\n1,0\n2,1\n", logistic + "covariates = [\"c\"]\n").contains("field 'covariates': no column 'c'"))
        XCTAssertTrue(message("a,y\n1,0\nx,1\n", logistic).contains("line 3, column 'a': expected a number, found 'x'"))
        XCTAssertTrue(message("a,y\n1,0\n2,2\n", logistic).contains("row 2, column 'y': expected 0 or 1 for a logistic response, found 2.0"))
        XCTAssertTrue(message("a,y\n1,0\n2,-1\n", "likelihood = \"poisson\"\nresponse = \"y\"\n").contains("row 2, column 'y': expected a count"))
        XCTAssertTrue(message("a,y\n1,0\n1,1\n", logistic).contains("column 'a' is constant (sd 0)"))
        XCTAssertTrue(message("a,y\n1,0\n", logistic).contains("expected at least 2 data rows, found 1"))
        XCTAssertTrue(message("a,y\n1,0\n2,1,3\n", logistic).contains("line 3: expected 2 cells"))
        XCTAssertTrue(message("a,y\n1,0\n2,1\n", "likelihood = \"cauchy\"\nresponse = \"y\"\n").contains("unknown likelihood 'cauchy'"))
        XCTAssertTrue(message("a,y\n1,0\n2,1\n", logistic + "[prior]\nscale = -1\n").contains("field 'prior.scale'"))
        XCTAssertTrue(message("a,y\n1,0\n2,1\n", logistic + "noise_sd = 2\n").contains("field 'noise_sd': only for likelihood = \"gaussian\""))
    }

    /// The shipped targets load with their sizes and names, and MALA on pima at a small step mixes.
    func testShippedRegressionTargets() throws {
        let pima = try TestSupport.target("pima-logistic")
        XCTAssertEqual(pima.dimension, 9)
        XCTAssertEqual(pima.parameterNames.first, "intercept")
        XCTAssertEqual(pima.parameterNames.last, "age")
        XCTAssertEqual(try TestSupport.target("sonar-logistic").dimension, 61)
        XCTAssertTrue(try TestSupport.target("sonar-sparse").density is CompositeTarget)
    }
}
