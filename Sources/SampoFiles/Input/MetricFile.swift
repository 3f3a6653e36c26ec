import Foundation
import SampoCore

/// An adapted metric read back from a run report (``RunReport``'s JSON), to start a run with: the
/// inverse metrics of its chains (d variances, or d² row-major), averaged over the chains (a mean of
/// SPD matrices is SPD). The report must be of the same target and dimension.
public enum MetricFile {
    public static func read(_ path: String, target: NamedTarget) throws(SampoError) -> InverseMetric {
        let text = try TextFile.text(path)
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw .badFile(path: path, "not a JSON run report (expected an object with inverse_metrics)")
        }
        if let name = object["target"] as? String, name != target.name {
            throw .badFile(path: path, "the report is of target '\(name)', not '\(target.name)'")
        }
        guard let chains = object["inverse_metrics"] as? [[Any]], !chains.isEmpty else {
            throw .badFile(path: path, "field 'inverse_metrics': missing (the report of a run with warm-up adaptation of a metric, hmc or nuts, has it)")
        }
        let d = target.dimension
        var sum: [Double]?
        for (c, chain) in chains.enumerated() {
            let values = chain.compactMap { ($0 as? NSNumber)?.doubleValue }
            guard values.count == chain.count, values.allSatisfy(\.isFinite) else {
                throw .badFile(path: path, "field 'inverse_metrics[\(c + 1)]': expected finite numbers")
            }
            guard values.count == d || values.count == d * d else {
                throw .badFile(path: path, "field 'inverse_metrics[\(c + 1)]': \(values.count) values, but target '\(target.name)' "
                                + "has dimension \(d) (expected \(d) variances or a \(d) × \(d) matrix)")
            }
            if let s = sum {
                guard s.count == values.count else { throw .badFile(path: path, "field 'inverse_metrics': chains of different shapes") }
                sum = zip(s, values).map(+)
            } else { sum = values }
        }
        let mean = (sum ?? []).map { $0 / Double(chains.count) }
        return mean.count == d * d && d > 1 ? .dense(mean) : .diagonal(mean)
    }
}
