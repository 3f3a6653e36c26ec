import SampoCore
import SampoDiagnostics
import Foundation

/// The running-moments CSV of `sample --moments`: `parameter,mean,variance,q05,q50,q95` (one
/// column per quantile probability), one row per coordinate, `#` metadata lines first.
public enum MomentsCSV {
    public static func render(_ m: RunningMoments, names: [String], metadata: [(String, String)] = []) -> String {
        var out = ""
        for (k, v) in metadata { out += "# \(k): \(v)\n" }
        out += (["parameter", "mean", "variance"] + m.probabilities.map(RunningMoments.columnName)).joined(separator: ",") + "\n"
        for j in 0..<m.dimension {
            var row = [names[j], DrawsCSV.format(m.mean(j)), DrawsCSV.format(m.variance(j))]
            for k in m.probabilities.indices { row.append(DrawsCSV.format(m.quantile(j, k))) }
            out += row.joined(separator: ",") + "\n"
        }
        return out
    }

    public static func write(_ m: RunningMoments, names: [String], to path: String, metadata: [(String, String)] = []) throws(SampoError) {
        try AtomicFile.write(render(m, names: names, metadata: metadata), to: path)
    }
}
