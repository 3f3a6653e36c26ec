import Foundation
import SampoCore

/// An adapted metric read back from a run report (``RunReport``'s JSON), to start a run with: the
/// inverse metrics of its chains (d variances, or d² row-major), averaged over the chains (a mean of
/// SPD matrices is SPD); a low-rank metric (`metric_eigenvalues`, `metric_eigenvectors`) is the first
/// chain's, since a mean of low-rank metrics is not low rank. The report must be of the same
/// target and dimension.
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
        if let values = object["metric_eigenvalues"] as? [[Any]], let vectors = object["metric_eigenvectors"] as? [[[Any]]] {
            return try lowRank(path, chains: chains, values: values, vectors: vectors, dimension: d, target: target.name)
        }
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

    private static func numbers(_ a: [Any], _ path: String, _ field: String) throws(SampoError) -> [Double] {
        let v = a.compactMap { ($0 as? NSNumber)?.doubleValue }
        guard v.count == a.count, v.allSatisfy(\.isFinite) else { throw .badFile(path: path, "field '\(field)': expected finite numbers") }
        return v
    }

    private static func lowRank(_ path: String, chains: [[Any]], values: [[Any]], vectors: [[[Any]]], dimension d: Int,
                                target: String) throws(SampoError) -> InverseMetric {
        let variances = try numbers(chains[0], path, "inverse_metrics[1]")
        guard variances.count == d else {
            throw .badFile(path: path, "field 'inverse_metrics[1]': \(variances.count) values, but target '\(target)' has dimension \(d)")
        }
        guard let lambda = values.first, let u = vectors.first else { throw .badFile(path: path, "field 'metric_eigenvalues': empty") }
        let eigenvalues = try numbers(lambda, path, "metric_eigenvalues[1]")
        guard u.count == eigenvalues.count else {
            throw .badFile(path: path, "field 'metric_eigenvectors[1]': \(u.count) vectors for \(eigenvalues.count) eigenvalues")
        }
        var flat: [Double] = []
        for (i, vector) in u.enumerated() {
            let v = try numbers(vector, path, "metric_eigenvectors[1][\(i + 1)]")
            guard v.count == d else { throw .badFile(path: path, "field 'metric_eigenvectors[1][\(i + 1)]': \(v.count) numbers, expected \(d)") }
            flat += v
        }
        do {
            return .lowRank(try LowRankMetric(scales: variances.map { $0.squareRoot() }, eigenvalues: eigenvalues, vectors: flat))
        } catch {
            throw .badFile(path: path, "field 'metric_eigenvectors[1]': \(error.message)")
        }
    }
}
