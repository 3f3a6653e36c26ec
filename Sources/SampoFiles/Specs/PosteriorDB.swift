import Foundation
import SampoCore

/// A posteriordb `posterior_database` folder (a clone of posteriordb, or a part of it in its
/// layout): `posteriors/NAME.json` names the model (`models/stan/MODEL.stan`), the data
/// (`data/data/DATA.json.zip`) and the gold-standard reference draws
/// (`reference_posteriors/draws/draws/NAME.json.zip`: 10 chains, each a map from a constrained
/// parameter name to its draws).
public struct PosteriorDB: Sendable {
    public let folder: String

    /// The folder named by `given` (`--posteriordb`), else `SAMPO_POSTERIORDB`.
    public static func locate(_ given: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws(SampoError) -> PosteriorDB {
        guard let folder = given ?? environment["SAMPO_POSTERIORDB"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw .invalid(.argument("posteriordb"), "posteriordb targets need a posterior_database folder (or the SAMPO_POSTERIORDB environment variable)")
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder + "/posteriors", isDirectory: &isDir), isDir.boolValue else {
            throw .badFile(path: folder, "not a posteriordb posterior_database folder (it has no posteriors/ folder)")
        }
        return PosteriorDB(folder: folder)
    }

    public init(folder: String) { self.folder = folder }

    /// The posteriors' names, sorted.
    public var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder + "/posteriors")) ?? [])
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// One posterior's entry.
    public struct Posterior: Sendable {
        public let name: String
        public let modelName: String
        public let dataName: String?
        public let referenceName: String?
        /// Parameter → number of scalars (`theta: 8`), as the entry lists them.
        public let dimensions: [(String, Int)]
        public let modelPath: String
        public let dataPath: String?
        public var referencePath: String? { referenceName.map { _ in referenceFile } }
        let referenceFile: String
    }

    public func posterior(_ name: String) throws(SampoError) -> Posterior {
        let path = folder + "/posteriors/\(name).json"
        guard let data = FileManager.default.contents(atPath: path) else {
            let near = Self.nearest(name, among: names)
            throw .usage("no posterior '\(name)' in \(folder)/posteriors" + (near.isEmpty ? "" : " (nearest: \(near.joined(separator: ", ")))"))
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let model = object["model_name"] as? String else {
            throw .badFile(path: path, "expected a posteriordb entry with model_name")
        }
        let dataName = object["data_name"] as? String
        let reference = object["reference_posterior_name"] as? String
        var dims: [(String, Int)] = []
        if let d = object["dimensions"] as? [String: Any] {
            dims = d.compactMap { k, v in (v as? Int).map { (k, $0) } }.sorted { $0.0 < $1.0 }
        }
        return Posterior(name: name, modelName: model, dataName: dataName, referenceName: reference, dimensions: dims,
                         modelPath: folder + "/models/stan/\(model).stan",
                         dataPath: dataName.map { folder + "/data/data/\($0).json.zip" },
                         referenceFile: folder + "/reference_posteriors/draws/draws/\(reference ?? name).json.zip")
    }

    /// The reference draws: chains of name → draws (constrained names, `theta[1]`).
    public func referenceDraws(_ p: Posterior) throws(SampoError) -> [[String: [Double]]] {
        guard let path = p.referencePath else { throw .usage("posteriordb:\(p.name) has no reference posterior") }
        let text = try ZipArchive(path: path).text()
        guard let chains = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else {
            throw .badFile(path: path, "expected a JSON list of chains, each a map from parameter name to draws")
        }
        // Every value must be a number: a draw dropped here would shorten one chain without a word.
        var out: [[String: [Double]]] = []
        for (c, chain) in chains.enumerated() {
            var parsed: [String: [Double]] = [:]
            for (name, value) in chain {
                guard let list = value as? [Any] else { throw .badFile(path: path, "chain \(c + 1), '\(name)': expected a list of draws") }
                let numbers = list.compactMap { ($0 as? NSNumber)?.doubleValue }
                guard numbers.count == list.count else {
                    throw .badFile(path: path, "chain \(c + 1), '\(name)': \(list.count - numbers.count) draw(s) are not numbers")
                }
                parsed[name] = numbers
            }
            out.append(parsed)
        }
        return out
    }

    /// The data as JSON text (read from its zip).
    public func dataText(_ p: Posterior) throws(SampoError) -> String? {
        guard let path = p.dataPath else { return nil }
        return try ZipArchive(path: path).text()
    }

    /// Up to three names closest to `name`.
    static func nearest(_ name: String, among names: [String]) -> [String] {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var row = Array(0...b.count)
            for i in 1...max(a.count, 1) where !a.isEmpty {
                var previous = row[0]
                row[0] = i
                for j in 1...max(b.count, 1) where !b.isEmpty {
                    let cost = a[i - 1] == b[j - 1] ? 0 : 1
                    let next = min(row[j] + 1, row[j - 1] + 1, previous + cost)
                    previous = row[j]
                    row[j] = next
                }
            }
            return row[b.count]
        }
        let a = Array(name.lowercased())
        // Names that contain what was typed come first (posteriordb's are DATA-MODEL), then by edit distance.
        let scored: [(name: String, d: Int)] = names.map { (name: String) in
            let lower = name.lowercased()
            return (name, (lower.contains(String(a)) ? 0 : 1000) + distance(a, Array(lower)))
        }
        let sorted = scored.sorted { (x, y) -> Bool in x.d != y.d ? x.d < y.d : x.name < y.name }
        return sorted.prefix(3).map { $0.name }
    }
}
