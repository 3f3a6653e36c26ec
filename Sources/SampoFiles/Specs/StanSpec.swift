import SampoCore
import SampoStan
import Foundation

/// `family = "stan"`: a Stan program (`model`, a `.stan` file) with its data (`data`, a CmdStan
/// JSON file, optional), both relative to the target file; `seed` is the model's construction seed.
/// Also made directly from a `.stan` path (`sampo sample --target model.stan --data data.json`).
enum StanSpec {
    static let keys: Set<String> = ["name", "description", "family", "dimension", "model", "data", "seed"]

    static func build(_ f: TOMLFields) throws(SampoError) -> any LogDensity {
        try f.rejectUnknownKeys(allowed: keys)
        let program = relative(try f.string("model"), to: f.file)
        guard FileManager.default.fileExists(atPath: program) else { throw f.error("model", "no Stan program at \(program)") }
        let data = try f.optionalString("data").map { relative($0, to: f.file) }
        let seed = f.has("seed") ? try f.int("seed") : 0
        guard (0...Int(UInt32.max)).contains(seed) else { throw f.error("seed", "expected an integer in 0 … \(UInt32.max), found \(seed)") }
        return try model(program: program, data: data, seed: UInt32(seed))
    }

    /// The model of `program` with the data file at `data` (JSON).
    static func model(program: String, data: String?, seed: UInt32 = 0) throws(SampoError) -> StanModel {
        let text = try data.map { (path) throws(SampoError) -> String in try TextFile.text(path) }
        return try StanModel(program: program, data: text, dataPath: data, seed: seed)
    }

    /// A Stan program given as the target: its name is the file's, its data the `--data` file.
    static func target(program: String, data: String?) throws(SampoError) -> NamedTarget {
        guard FileManager.default.fileExists(atPath: program) else { throw .badFile(path: program, "Stan program not found") }
        let m = try model(program: program, data: data)
        let name = ((program as NSString).lastPathComponent as NSString).deletingPathExtension
        return NamedTarget(name: name, description: "Stan program \(program)", family: "stan", path: program, density: m)
    }

    /// A posterior of posteriordb: its model, with its data read from the zip.
    static func target(posterior name: String, in db: PosteriorDB) throws(SampoError) -> NamedTarget {
        let p = try db.posterior(name)
        guard FileManager.default.fileExists(atPath: p.modelPath) else { throw .badFile(path: p.modelPath, "the posterior's Stan program is missing") }
        let m = try StanModel(program: p.modelPath, data: try db.dataText(p), dataPath: p.dataPath)
        var target = NamedTarget(name: name, description: "posteriordb posterior \(name) (model \(p.modelName), data \(p.dataName ?? "none"))",
                                 family: "stan", path: "posteriordb:" + name, density: m)
        if let reference = p.referencePath, FileManager.default.fileExists(atPath: reference) {
            target.referenceDraws = { () throws(SampoError) in try db.referenceDraws(p) }
        }
        return target
    }

    static func relative(_ path: String, to file: String) -> String {
        guard !path.hasPrefix("/"), file != "-" else { return path }
        return ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(path)
    }
}
