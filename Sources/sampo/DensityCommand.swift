import ArgumentParser
import Foundation
import Sampo
import SampoCore
import SampoDiagnostics
import SampoFiles
import SampoRuns

struct DensityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "density", abstract: "Evaluate log density and gradient at points read from a CSV (header x1..xd).")

    @Option(help: "Target name or file.") var target: String
    @Option(help: "CSV file with header x1,...,xd.") var points: String
    @Option(help: "Output CSV (default: stdout).") var out: String?

    func run() throws {
        try reportingErrors {
            try prepareOutputs([("--out", out)])
            let loaded = try TargetFile.load(target)
            loaded.notes.forEach(note)
            let csv = try NumericCSV.read(points)
            let cols = try csv.coordinateColumns(names: loaded.parameterNames)
            let d = loaded.dimension
            guard cols.count == d else {
                throw SampoError.usage("\(points): has \(cols.count) coordinate columns, target \(loaded.name) has dimension \(d)")
            }
            // A column that is no coordinate would be silently ignored: say which.
            let used = Set(cols)
            if let extra = csv.header.indices.first(where: { !used.contains($0) }) {
                throw SampoError.usage("\(points): column '\(csv.header[extra])' is not a coordinate of \(loaded.name) "
                                       + "(expected exactly its \(d) columns, named x1 … x\(d) or by its parameter names)")
            }
            var text = loaded.parameterNames.map(CSVField.escaped).joined(separator: ",") + ",log_density,"
                + (1...d).map { "grad\($0)" }.joined(separator: ",") + "\n"
            for r in 0..<csv.rowCount {
                let x = cols.map { csv[r, $0] }
                if let j = x.firstIndex(where: { !$0.isFinite }) {
                    throw SampoError.badFile(path: points, "row \(r + 1), column '\(loaded.parameterNames[j])': expected a finite number, found \(x[j])")
                }
                let (lp, g) = loaded.density.logDensityAndGradient(x)
                text += (x + [lp] + g).map(DrawsCSV.format).joined(separator: ",") + "\n"
            }
            if let out { try AtomicFile.write(text, to: out) } else { print(text, terminator: "") }
        }
    }
}
