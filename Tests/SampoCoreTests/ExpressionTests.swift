import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// Formula targets: parsing, values, exact gradients, errors with columns, and agreement with the
/// built-in energies they restate.
final class ExpressionTests: XCTestCase {
    private func target(_ formula: String, d: Int, energy: Bool = false,
                        constants: [String: ExpressionCompiler.Constant] = [:]) throws -> ExpressionTarget {
        try ExpressionTarget(formula: formula, isEnergy: energy, dimension: d, constants: constants)
    }

    private func value(_ formula: String, _ x: [Double], constants: [String: ExpressionCompiler.Constant] = [:]) throws -> Double {
        try target(formula, d: x.count, constants: constants).logDensity(x)
    }

    /// Central finite differences of the log density.
    private func numericGradient(_ t: ExpressionTarget, _ x: [Double]) -> [Double] {
        (0..<x.count).map { j in
            let h = 1e-6 * max(1, abs(x[j]))
            var p = x, m = x
            p[j] += h; m[j] -= h
            return (t.logDensity(p) - t.logDensity(m)) / (2 * h)
        }
    }

    func testOperatorsPrecedenceAndFunctions() throws {
        let x = [0.7, -1.3, 2.0]
        let cases: [(String, Double)] = [
            ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("2 ^ 3 ^ 2", 512), ("-x[1]^2", -0.49), ("2^-1", 0.5),
            ("x[3] / 4 - 1", -0.5), ("1e-3 * 1E3 + .5", 1.5), ("-(-x[2])", -1.3), ("+x[1]", 0.7),
            ("exp(x[1])", exp(0.7)), ("log(x[3])", log(2)), ("log1p(x[1])", log1p(0.7)), ("expm1(x[1])", expm1(0.7)),
            ("sqrt(x[3])", sqrt(2)), ("abs(x[2])", 1.3), ("sin(x[1])", sin(0.7)), ("cos(x[1])", cos(0.7)),
            ("tan(x[1])", tan(0.7)), ("tanh(x[2])", tanh(-1.3)), ("sinh(x[2])", sinh(-1.3)), ("cosh(x[2])", cosh(-1.3)),
            ("atan(x[2])", atan(-1.3)), ("pow(x[3], 0.5)", sqrt(2)), ("min(x[1], x[2])", -1.3), ("max(x[1], x[2])", 0.7),
            ("sigmoid(x[2])", 1 / (1 + exp(1.3))), ("softplus(x[2])", log(1 + exp(-1.3))),
            ("softplus(800)", 800), ("sigmoid(-800)", 0), ("log_sum_exp(x[1], x[2], x[3])", log(exp(0.7) + exp(-1.3) + exp(2))),
            ("log_sum_exp(1000, 1000)", 1000 + log(2)), ("lgamma(x[3] + 2)", log(6)),
            ("sum(i in 1:d, x[i])", 1.4), ("prod(i in 1:d, x[i])", 0.7 * -1.3 * 2), ("sum(i in 1:0, x[i])", 0),
            ("sum(i in 1:d-1, x[i] * x[i+1])", 0.7 * -1.3 + -1.3 * 2), ("sum(i in 1:2, sum(j in i:d, i * x[j]))", (0.7 - 1.3 + 2) + 2 * (-1.3 + 2)),
            ("sum(i in 1:length(y), (y[i] - x[1])^2)", pow(1.2 - 0.7, 2) + pow(0.4 - 0.7, 2) + pow(2.2 - 0.7, 2)),
            ("b * d", 0.03 * 3), ("x[2*1-1] + x[d]", 2.7),
        ]
        let constants: [String: ExpressionCompiler.Constant] = ["b": .scalar(0.03), "y": .array([1.2, 0.4, 2.2])]
        for (formula, expected) in cases {
            XCTAssertEqual(try value(formula, x, constants: constants), expected, accuracy: 1e-12 * max(1, abs(expected)), formula)
        }
        // An energy is the negative log density.
        XCTAssertEqual(try target("x[1]^2", d: 1, energy: true).logDensity([3]), -9)
    }

    func testGradientsAgainstFiniteDifferences() throws {
        let formulas = [
            "x[1]^2/200 + 0.5*(x[2] + 0.03*x[1]^2 - 3)^2",
            "sum(i in 1:d, exp(-x[i]) * x[i]^3)",
            "prod(i in 1:d, cos(x[i]) + 2)",
            "log_sum_exp(-sum(i in 1:d, (x[i] - 1)^2), -sum(i in 1:d, (x[i] + 1)^2))",
            "sum(i in 1:d-1, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)",
            "sum(i in 1:d, sum(j in 1:i, x[i] * x[j] / (i + j)))",
            "softplus(x[1] - x[2]) + sigmoid(x[3]) * tanh(x[1])",
            "sqrt(1 + x[1]^2) + abs(x[2]) + atan(x[3]) + log1p(x[1]^2) + expm1(x[2] / 3)",
            "pow(1 + x[1]^2, x[2] / 3) + x[3]^-2 + (2 + sin(x[1]))^1.5",
            "max(x[1], x[2]) - min(x[2], x[3]) + sinh(x[1] / 2) * cosh(x[3] / 3) + tan(x[2] / 4)",
            "lgamma(2 + x[1]^2) + log(3 + x[2]) / (1 + x[3]^2)",
            "x[1]/x[2] - x[3]*x[1] + 7",
        ]
        let rng = RandomStream(seed: 11)
        for formula in formulas {
            let t = try target(formula, d: 3)
            for _ in 0..<5 {
                let x = (0..<3).map { _ in 0.3 + 0.8 * rng.normal() }.map { abs($0) < 0.05 ? 0.5 : $0 }
                let (lp, g) = t.logDensityAndGradient(x)
                XCTAssertEqual(lp, t.logDensity(x), formula)
                let fd = numericGradient(t, x)
                for j in 0..<3 { XCTAssertEqual(g[j], fd[j], accuracy: 1e-5 * max(1, abs(fd[j])), "\(formula) ∂\(j + 1) at \(x)") }
            }
        }
    }

    /// Chains of +, − and sums compile to one linear instruction; terms of a sum that do not use its
    /// index are computed once; minus signs move out of products. Values and gradients must not change.
    func testLinearCombinationsAndHoistedTerms() throws {
        let x = [0.7, -1.3, 2.0, 0.4]
        let cases: [(String, Double)] = [
            ("sum(i in 1:d, x[i] - x[1] / 2 - 3)", (0.7 - 1.3 + 2.0 + 0.4) - 4 * 0.35 - 12),
            ("-sum(i in 2:d, -x[i]^2 * exp(-x[1]) / 2) + 5", 5 + (1.69 + 4 + 0.16) * exp(-0.7) / 2),
            ("sum(i in 1:3, sum(j in 1:2, x[j] + i))", 3 * (0.7 - 1.3) + 2 * 6),
            ("sum(i in 1:d, 2) - sum(i in 3:2, x[i])", 8),
            ("x[1] * -x[2] / -x[3] - (x[4] - x[1])", 0.7 * 1.3 / -2.0 - (0.4 - 0.7)),
            ("-(x[1] + x[2]) - -x[3]", -(0.7 - 1.3) + 2.0),
            ("sum(i in 1:2, (x[i] - x[i+2])^2 + log(x[3]))", pow(0.7 - 2.0, 2) + pow(-1.3 - 0.4, 2) + 2 * log(2.0)),
        ]
        for (formula, expected) in cases {
            let t = try target(formula, d: 4)
            XCTAssertEqual(t.logDensity(x), expected, accuracy: 1e-12 * max(1, abs(expected)), formula)
            let (lp, g) = t.logDensityAndGradient(x)
            XCTAssertEqual(lp, t.logDensity(x), formula)
            let fd = numericGradient(t, x)
            for j in 0..<4 { XCTAssertEqual(g[j], fd[j], accuracy: 1e-6 * max(1, abs(fd[j])), "\(formula) ∂\(j + 1)") }
        }
        // The funnel's sum needs four instructions per term (x[i], its square, the product with
        // the shared exp(−x[1]), the halving): the two terms without i are computed once.
        let funnel = try target("-x[1]^2/18 - 0.5*log(2*pi*9) + sum(i in 2:d, -x[i]^2*exp(-x[1])/2 - x[1]/2 - 0.5*log(2*pi))",
                                d: 10, constants: ["pi": .scalar(Double.pi)])
        XCTAssertLessThanOrEqual(funnel.program.instructions.count, 4 * 9 + 8)
    }

    func testShippedEnergiesRestated() throws {
        let rng = RandomStream(seed: 4)
        let pi: [String: ExpressionCompiler.Constant] = ["pi": .scalar(Double.pi), "s": .scalar(3), "a": .scalar(3)]
        let pairs: [(any LogDensity, ExpressionTarget)] = [
            (try Funnel(dimension: 10, scale: 3), try target(
                "-x[1]^2/(2*s^2) - 0.5*log(2*pi*s^2) + sum(i in 2:d, -x[i]^2*exp(-x[1])/2 - x[1]/2 - 0.5*log(2*pi))", d: 10, constants: pi)),
            (try DoubleWell(dimension: 4, a: 3), try target("sum(i in 1:d, (x[i]^2 - a)^2)", d: 4, energy: true, constants: pi)),
            (try Rosenbrock(a: 1, b: 100, scale: 20), try target("((1 - x[1])^2 + 100*(x[2] - x[1]^2)^2) / 20", d: 2, energy: true)),
            (try GaussianMixture(weights: [0.3, 0.7], means: [[-2, 0], [2, 1]], covariances: .isotropic([1, 0.5])), try target(
                "log_sum_exp(log(0.3) - log(2*pi) - sum(i in 1:d, (x[i] - m1[i])^2)/2, log(0.7) - log(2*pi*0.5) - sum(i in 1:d, (x[i] - m2[i])^2)/(2*0.5))",
                d: 2, constants: ["pi": .scalar(Double.pi), "m1": .array([-2, 0]), "m2": .array([2, 1])])),
        ]
        for (builtIn, formula) in pairs {
            for _ in 0..<10 {
                let x = (0..<builtIn.dimension).map { _ in 1.5 * rng.normal() }
                let (a, ga) = builtIn.logDensityAndGradient(x)
                let (b, gb) = formula.logDensityAndGradient(x)
                XCTAssertEqual(b, a, accuracy: 1e-12 * max(1, abs(a)), formula.formula)
                for j in 0..<x.count { XCTAssertEqual(gb[j], ga[j], accuracy: 1e-12 * max(1, abs(ga[j])), "\(formula.formula) ∂\(j + 1)") }
            }
        }
    }

    func testErrorsNameTheColumn() {
        let cases: [(String, Int, String)] = [
            ("x[1] + foo(x[2])", 8, "unknown function 'foo'"),
            ("x[1] + z", 8, "unknown variable 'z'"),
            ("pow(x[1])", 1, "pow takes 2 arguments, found 1"),
            ("x[3]", 1, "index 3 of x is out of range 1…2"),
            ("sum(i in 1:d+1, x[i])", 17, "index 3 of x is out of range 1…2"),
            ("(x[1] + 2", 10, "expected ')'"),
            ("x[1] + 2)", 9, "unbalanced ')'"),
            ("x[x[1]]", 3, "must be an integer known before sampling"),
            ("x[1.5]", 3, "must be an integer, found 1.5"),
            ("y[4]", 1, "index 4 of y is out of range 1…3"),
            ("x[1] * ", 8, "expected a value"),
            ("sum(i 1:d, x[i])", 7, "expected 'in'"),
            ("x", 1, "write x[i]"),
            ("log_sum_exp()", 1, "one or more arguments"),
        ]
        for (formula, column, message) in cases {
            do throws(ExpressionError) {
                _ = try ExpressionTarget(formula: formula, isEnergy: false, dimension: 2, constants: ["y": .array([1, 2, 3])])
                XCTFail("\(formula) compiled")
            } catch {
                XCTAssertEqual(error.column, column, "\(formula): \(error.message)")
                XCTAssertTrue(error.message.contains(message), "\(formula): \(error.message)")
            }
        }
    }

    /// Through a target file: errors name the file, the field and the column (exit 2), and a
    /// formula target samples like the built-in it restates.
    func testTargetFiles() throws {
        let bad = TestSupport.parseError("""
            family = "expression"
            dimension = 2
            energy = "x[1]^2 + bar(x[2])"
            """)
        XCTAssertEqual(bad, "t.toml: field 'energy': column 10: unknown function 'bar' (known: abs, atan, cos, cosh, exp, expm1, length, lgamma, log, log1p, log_sum_exp, max, min, pow, sigmoid, sin, sinh, softplus, sqrt, tan, tanh, sum, prod)")
        XCTAssertEqual(TestSupport.parseError("family = \"expression\"\ndimension = 2\nenergy = \"x[1]\"\nlog_density = \"x[1]\""),
                       "t.toml: field 'log_density': give only one of energy and log_density")
        let path = TestSupport.write("""
            name = "banana"
            family = "expression"
            dimension = 2
            energy = "x[1]^2/200 + 0.5*(x[2] + b*x[1]^2 - 100*b)^2"
            [constants]
            b = 0.03
            y = [1, 2.5]
            """, name: "banana.toml")
        let t = try TargetFile.load(path)
        XCTAssertEqual(t.density.dimension, 2)
        XCTAssertEqual(t.density.logDensity([10, 0]), -(0.5 + 0.5 * 0))
    }
}
