import ArgumentParser
import Foundation
import Sampo
import SampoCore
import SampoDiagnostics
import SampoFiles
import SampoRuns

struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Figures with gnuplot: scatter | trace | acf | modes (from draws), budget (from a comparison CSV), bias (from sampo bias --out), image (from sample --moments on an image target).")

    @Argument(help: "scatter, trace, acf, modes, budget, bias or image.") var kind: String
    @Option(help: "Draws CSV (scatter, trace, acf, modes).") var draws: String?
    @Option(help: "Comparison CSV (budget).") var comparison: String?
    @Option(help: "Bias CSV of sampo bias --out (bias).") var bias: String?
    @Option(help: "Moments CSV of sample --moments (image).") var moments: String?
    @Option(help: "Target name or file (contours for scatter; weights for modes).") var target: String?
    @Option(parsing: .unconditional, help: "Coordinate for trace and acf (1-based).") var coordinate: Int = 1
    @Option(help: "Comparison column for budget.") var metric: String = "sliced_w2"
    @Option(help: "Output image (.png or .svg).") var out: String

    func run() throws {
        try reportingErrors {
            func loadDraws() throws -> Draws {
                guard let draws else { throw SampoError.usage("plot \(kind): needs --draws FILE.csv") }
                let set = try ChainFiles.read([draws])
                let d = set.parameters.count, n = set.drawsPerChain
                var values = [Double](repeating: 0, count: set.chainCount * n * d)
                for c in 0..<set.chainCount { for i in 0..<n { for j in 0..<d { values[(c * n + i) * d + j] = set.values[j][c][i] } } }
                return Draws(chains: set.chainCount, capacity: n, dimension: d, values: values)
            }
            /// The draws file's name of the coordinate (its header), when there is one.
            func parameterName() throws -> String? {
                guard let draws else { return nil }
                let names = try ChainFiles.read([draws]).parameters
                return coordinate >= 1 && coordinate <= names.count ? names[coordinate - 1] : nil
            }
            switch kind {
            case "scatter":
                let names = try draws.map { try ChainFiles.read([$0]).parameters }
                try Plots.scatter(draws: try loadDraws(), target: try target.map { (t) throws(SampoError) in try TargetFile.load(t) }, names: names, to: out)
            case "trace": try Plots.trace(draws: try loadDraws(), coordinate: coordinate - 1, name: parameterName(), to: out)
            case "acf": try Plots.autocorrelation(draws: try loadDraws(), coordinate: coordinate - 1, name: parameterName(), to: out)
            case "modes":
                guard let target else { throw SampoError.usage("plot modes: needs --target") }
                try Plots.modeOccupancy(draws: try loadDraws(), target: try TargetFile.load(target), to: out)
            case "budget":
                guard let comparison else { throw SampoError.usage("plot budget: needs --comparison FILE.csv") }
                try Plots.metricVersusBudget(rows: try ComparisonCSV.read(comparison), metric: metric, to: out)
            case "bias":
                guard let bias else { throw SampoError.usage("plot bias: needs --bias FILE.csv (from sampo bias --out)") }
                try Plots.biasVersusStepSize(rows: try BiasCSV.read(bias), to: out)
            case "image":
                guard let moments else { throw SampoError.usage("plot image: needs --moments FILE.csv (from sample --moments)") }
                guard let target else { throw SampoError.usage("plot image: needs --target (an image posterior: family deconvolution)") }
                let loaded = try TargetFile.load(target)
                guard let likelihood = (loaded.density as? CompositeTarget)?.smooth as? DeconvolutionLikelihood else {
                    throw SampoError.usage("plot image: \(loaded.name) is not an image posterior (family deconvolution)")
                }
                try Plots.imagePanels(truth: likelihood.truth, observation: likelihood.observation, moments: try MomentsCSV.read(moments),
                                      rows: likelihood.blur.rows, cols: likelihood.blur.cols, to: out)
            default:
                throw SampoError.usage("plot: unknown kind '\(kind)' (expected scatter, trace, acf, modes, budget, bias or image)")
            }
            say("wrote \(out)")
        }
    }
}
