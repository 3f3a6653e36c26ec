import SampoCore
import Foundation

/// Reads target files (TOML, format in the README's "Files" section) and resolves shipped target names.
public enum TargetFile {
    /// A family's reader: builds the density from the file's fields, adding notes for the user.
    typealias FamilyReader = @Sendable (TOMLFields, inout [String]) throws(SampoError) -> any LogDensity

    /// The target families by their `family` name. A new family is its target type (SampoCore),
    /// its reader (a `…Spec` file here) and one line in this table.
    static let readers: [(name: String, read: FamilyReader)] = [
        ("gaussian-mixture", { (f, notes) throws(SampoError) in try GaussianMixtureSpec.build(f, notes: &notes) }),
        ("laplace-mixture", { (f, notes) throws(SampoError) in try LaplaceMixtureSpec.build(f, notes: &notes) }),
        ("composite", { (f, notes) throws(SampoError) in try CompositeSpec.build(f, notes: &notes) }),
        ("energy", { (f, _) throws(SampoError) in try EnergySpec.build(f) }),
        ("expression", { (f, _) throws(SampoError) in try ExpressionSpec.build(f) }),
        ("regression", { (f, _) throws(SampoError) in try RegressionSpec.build(f) }),
        ("deconvolution", { (f, notes) throws(SampoError) in try DeconvolutionSpec.build(f, notes: &notes) }),
        ("stan", { (f, _) throws(SampoError) in try StanSpec.build(f) }),
    ]

    public static var families: [String] { readers.map(\.name) }

    /// Resolves `nameOrPath`: an existing path is used as is; otherwise `NAME` is looked up as
    /// `NAME.toml` in the shipped target folders (see `searchDirectories`).
    public static func resolve(_ nameOrPath: String, searchPaths: [String] = []) throws(SampoError) -> String {
        let fm = FileManager.default
        if nameOrPath == "-" { return nameOrPath }   // standard input
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".toml") {
            guard fm.fileExists(atPath: nameOrPath) else {
                throw .badFile(path: nameOrPath, "target file not found")
            }
            return nameOrPath
        }
        for dir in searchPaths + searchDirectories() {
            let candidate = (dir as NSString).appendingPathComponent(nameOrPath + ".toml")
            if fm.fileExists(atPath: candidate) { return candidate }
        }
        if fm.fileExists(atPath: nameOrPath) { return nameOrPath }
        throw .unknownTarget(name: nameOrPath, shipped: shippedNames())
    }

    /// The package's own `targets/` folder, found from this source file's place in the package
    /// (SwiftPM builds every dependency from its sources, so a downstream package finds the shipped
    /// targets of the Sampo checkout it builds against).
    public static let packageTargetsDirectory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }   // Specs, SampoFiles, Sources, package root
        return url.appendingPathComponent("targets").path
    }()

    /// Where shipped targets are looked for, in order: $SAMPO_TARGETS, ./targets, `targets/` beside
    /// or above the executable (so `.build/release/sampo` finds the repository's folder), and the
    /// package's own `targets/` (`packageTargetsDirectory`).
    public static func searchDirectories() -> [String] {
        var dirs: [String] = []
        if let env = ProcessInfo.processInfo.environment["SAMPO_TARGETS"], !env.isEmpty { dirs.append(env) }
        dirs.append("targets")
        var exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        for _ in 0..<4 {
            exe.deleteLastPathComponent()
            dirs.append(exe.appendingPathComponent("targets").path)
            dirs.append(exe.appendingPathComponent("share/sampo/targets").path)
        }
        dirs.append(packageTargetsDirectory)
        return dirs
    }

    /// Names of the shipped targets found in the first search directory that has any.
    public static func shippedNames() -> [String] {
        shippedFiles().map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension }
    }

    public static func shippedFiles() -> [String] {
        let fm = FileManager.default
        for dir in searchDirectories() {
            guard let items = try? fm.contentsOfDirectory(atPath: dir) else { continue }
            let tomls = items.filter { $0.hasSuffix(".toml") }.sorted()
            if !tomls.isEmpty { return tomls.map { (dir as NSString).appendingPathComponent($0) } }
        }
        return []
    }

    /// Loads a shipped target by name (`lau-gmm`, `funnel`, …), looking first in `searchPaths`,
    /// then where `searchDirectories()` says, which includes the package's own `targets/` folder.
    public static func load(named name: String, searchPaths: [String] = []) throws(SampoError) -> NamedTarget {
        let fm = FileManager.default
        for dir in searchPaths + searchDirectories() {
            let candidate = (dir as NSString).appendingPathComponent(name + ".toml")
            if fm.fileExists(atPath: candidate) { return try parse(try readText(candidate), file: candidate) }
        }
        throw .unknownTarget(name: name, shipped: shippedNames())
    }

    /// Loads a target by name or path; a `.stan` program takes its data from `data` (a JSON file).
    /// `posteriordb:NAME` is a posterior of the posteriordb folder `posteriordb` (else `SAMPO_POSTERIORDB`).
    public static func load(_ nameOrPath: String, data: String? = nil, posteriordb: String? = nil) throws(SampoError) -> NamedTarget {
        if nameOrPath.hasPrefix("posteriordb:") {
            if let data { throw .invalid(.argument("data"), "\(data): a posteriordb target brings its own data") }
            return try StanSpec.target(posterior: String(nameOrPath.dropFirst("posteriordb:".count)), in: try PosteriorDB.locate(posteriordb))
        }
        if nameOrPath.hasSuffix(".stan") { return try StanSpec.target(program: nameOrPath, data: data) }
        if let data { throw .invalid(.argument("data"), "\(data): only a Stan program (a .stan target) takes a data file; '\(nameOrPath)' is not one") }
        let path = try resolve(nameOrPath)
        let text = try readText(path)
        return try parse(text, file: path)
    }

    /// Reads a text file, rejecting missing, empty and binary files with a clear message.
    public static func readText(_ path: String) throws(SampoError) -> String { try TextFile.text(path) }

    /// Parses target TOML text; `file` is used in messages.
    public static func parse(_ text: String, file: String) throws(SampoError) -> NamedTarget {
        let table = try TOMLFields.parse(text, file: file)
        let full = TOMLFields(file: file, table: table)
        // `names` is allowed in every target file: it names the parameters, not the density.
        let names = full.has("names") ? try full.strings("names") : nil
        let fields = TOMLFields(file: file, table: table.removing("names"))
        let family = try fields.string("family")
        let fallbackName = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let name = try fields.optionalString("name") ?? fallbackName
        let description = try fields.optionalString("description") ?? ""
        var notes: [String] = []
        let density = try build(fields, notes: &notes)
        if fields.has("dimension") {
            let d = try fields.int("dimension")
            guard d == density.dimension else {
                throw fields.error("dimension", "says \(d) but the target has dimension \(density.dimension)")
            }
        }
        var moments = (density as? any HasKnownMoments)?.knownMoments ?? KnownMoments()
        if fields.has("reference") {
            try ReferenceSpec.apply(try fields.subtable("reference"), dimension: density.dimension, to: &moments)
        }
        if let names, let problem = NamedTarget.problem(withNames: names, dimension: density.dimension) {
            throw full.error("names", problem)
        }
        return NamedTarget(name: name, description: description, family: family, path: file,
                            density: density, moments: moments, notes: notes, parameterNames: names)
    }
}

extension TargetFile {
    /// Builds the density that a table describes (a whole file, or the `[smooth]` part of a composite).
    static func build(_ fields: TOMLFields, notes: inout [String]) throws(SampoError) -> any LogDensity {
        let family = try fields.string("family")
        guard let reader = readers.first(where: { $0.name == family }) else {
            throw fields.error("family", "unknown family '\(family)' (known: \(families.joined(separator: ", ")))")
        }
        return try reader.read(fields, &notes)
    }

    /// Re-throws a family constructor's error with the file in front and the argument at fault as
    /// the file's field: `fields` maps Swift argument names to field names where they differ
    /// (`noiseSD` → `noise_sd`); a table's prefix (`smooth.`) is added.
    static func inFile<T>(_ f: TOMLFields, fields: [String: String] = [:], _ make: () throws(SampoError) -> T) throws(SampoError) -> T {
        do { return try make() } catch {
            if case .invalid(.argument(let name, let at), let text) = error {
                let field = f.prefix + (fields[name] ?? name) + at.map { "[\($0)]" }.joined()
                throw .badFile(path: f.file, "field '\(field)': \(text)")
            }
            throw .badFile(path: f.file, "\(error.message)")
        }
    }
}

/// The `[reference]` table: facts known about a target (mean, covariance, log_normalizer).
enum ReferenceSpec {
    static func apply(_ f: TOMLFields, dimension d: Int, to moments: inout KnownMoments) throws(SampoError) {
        try f.rejectUnknownKeys(allowed: ["mean", "covariance", "log_normalizer", "source"])
        if let mean = try f.optionalVector("mean") {
            guard mean.count == d else { throw f.error("mean", "expected \(d) numbers, found \(mean.count)") }
            moments.mean = mean
        }
        if f.has("covariance") {
            let c = try f.matrix("covariance")
            guard c.count == d, c.allSatisfy({ $0.count == d }) else {
                throw f.error("covariance", "expected a \(d) × \(d) matrix")
            }
            let flat = c.flatMap { $0 }
            // A covariance is symmetric and positive semi-definite (errors against it would be meaningless otherwise).
            for a in 0..<d { for b in 0..<a where abs(flat[a * d + b] - flat[b * d + a]) > 1e-12 * max(abs(flat[a * d + b]), abs(flat[b * d + a]), 1e-300) {
                throw f.error("covariance", "not symmetric: entries (\(a + 1),\(b + 1)) and (\(b + 1),\(a + 1)) differ")
            } }
            if d <= 1000 {   // (an O(d³) check: cheap up to here)
                let values = SymmetricEigen.decompose(flat, dimension: d).values
                let top = values.map(abs).max() ?? 0
                if let low = values.min(), low < -1e-10 * max(top, 1e-300) {
                    throw f.error("covariance", "not positive semi-definite (an eigenvalue is \(low)): a covariance has none below 0")
                }
            }
            moments.covariance = flat
        }
        if let z = try f.optionalDouble("log_normalizer") { moments.logNormalizer = z }
    }
}

/// `family = "gaussian-mixture"`: weights, means, and one of covariances / diagonals / variances.
enum GaussianMixtureSpec {
    static let keys: Set<String> = ["name", "description", "family", "dimension", "weights", "means",
                                    "covariances", "diagonals", "variances", "reference"]

    static func build(_ f: TOMLFields, notes: inout [String]) throws(SampoError) -> GaussianMixture {
        try f.rejectUnknownKeys(allowed: keys)
        let weights = try f.vector("weights")
        let means = try f.vectors("means")
        let given = ["covariances", "diagonals", "variances"].filter { f.has($0) }
        guard given.count == 1 else {
            throw f.error(given.isEmpty ? "covariances" : given[1],
                          given.isEmpty ? "missing (give one of covariances, diagonals or variances)"
                                        : "give only one of covariances, diagonals or variances")
        }
        let covariances: GaussianMixture.Covariances
        switch given[0] {
        case "covariances": covariances = .full(try f.matrices("covariances"))
        case "diagonals": covariances = .diagonal(try f.vectors("diagonals"))
        default: covariances = .isotropic(try f.vector("variances"))
        }
        let mixture = try TargetFile.inFile(f, fields: ["covariances": given[0]]) { () throws(SampoError) in
            try GaussianMixture(weights: weights, means: means, covariances: covariances)
        }
        let total = weights.reduce(0, +)
        if abs(total - 1) > 1e-12 { notes.append("\(f.file): weights sum to \(total); normalised to 1") }
        return mixture
    }
}
