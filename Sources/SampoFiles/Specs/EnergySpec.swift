import SampoCore
/// `family = "energy"`: `energy = "funnel" | "many-well" | "double-well" | "mueller-brown" | "rosenbrock"`
/// with its parameters (all optional, with the defaults of each type).
enum EnergySpec {
    static let energies = ["funnel", "many-well", "double-well", "mueller-brown", "rosenbrock"]
    static let common: Set<String> = ["name", "description", "family", "energy", "reference"]

    static func build(_ f: TOMLFields) throws(SampoError) -> any LogDensity {
        let energy = try f.string("energy")
        func int(_ key: String, _ value: Int) throws(SampoError) -> Int { f.has(key) ? try f.int(key) : value }
        func real(_ key: String, _ value: Double) throws(SampoError) -> Double { f.has(key) ? try f.double(key) : value }
        switch energy {
        case "funnel":
            try f.rejectUnknownKeys(allowed: common.union(["dimension", "scale"]))
            let d = try int("dimension", 10), s = try real("scale", 3)
            return try TargetFile.inFile(f) { () throws(SampoError) in try Funnel(dimension: d, scale: s) }
        case "many-well":
            try f.rejectUnknownKeys(allowed: common.union(["pairs", "dimension"]))
            let pairs = try int("pairs", 16)
            if f.has("dimension"), try f.int("dimension") != 2 * pairs {
                throw f.error("dimension", "must be 2 × pairs = \(2 * pairs)")
            }
            return try TargetFile.inFile(f) { () throws(SampoError) in try ManyWell(pairs: pairs) }
        case "double-well":
            try f.rejectUnknownKeys(allowed: common.union(["dimension", "a"]))
            let d = try int("dimension", 2), a = try real("a", 3)
            return try TargetFile.inFile(f) { () throws(SampoError) in try DoubleWell(dimension: d, a: a) }
        case "mueller-brown":
            try f.rejectUnknownKeys(allowed: common.union(["dimension", "temperature"]))
            let t = try real("temperature", 10)
            return try TargetFile.inFile(f) { () throws(SampoError) in try MuellerBrown(temperature: t) }
        case "rosenbrock":
            try f.rejectUnknownKeys(allowed: common.union(["dimension", "a", "b", "scale"]))
            let a = try real("a", 1), b = try real("b", 100), s = try real("scale", 20)
            return try TargetFile.inFile(f) { () throws(SampoError) in try Rosenbrock(a: a, b: b, scale: s) }
        default:
            throw f.error("energy", "unknown energy '\(energy)' (known: \(energies.joined(separator: ", ")))")
        }
    }
}
