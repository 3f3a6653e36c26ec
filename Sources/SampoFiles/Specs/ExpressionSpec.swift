import SampoCore

/// `family = "expression"`: `dimension`, exactly one of `energy` and `log_density` (a formula in x[1]…x[d]),
/// and an optional `[constants]` table of named reals or arrays of reals.
enum ExpressionSpec {
    static let keys: Set<String> = ["name", "description", "family", "dimension", "energy", "log_density",
                                    "constants", "reference"]

    static func build(_ f: TOMLFields) throws(SampoError) -> ExpressionTarget {
        try f.rejectUnknownKeys(allowed: keys)
        let given = ["energy", "log_density"].filter { f.has($0) }
        guard given.count == 1 else {
            throw f.error(given.isEmpty ? "energy" : "log_density",
                          given.isEmpty ? "missing (give energy = \"…\" or log_density = \"…\")" : "give only one of energy and log_density")
        }
        let field = given[0]
        let formula = try f.string(field)
        let d = try f.int("dimension")
        guard d >= 1 && d <= 1_000_000 else { throw f.error("dimension", "expected an integer in 1…1000000, found \(d)") }
        var constants: [String: ExpressionCompiler.Constant] = [:]
        if f.has("constants") {
            let c = try f.subtable("constants")
            for key in c.table.keys {
                // An array is a vector constant; anything else is read as a number, whose own error
                // (e.g. "expected a finite number, found nan") is the one to show.
                if case .array? = c.table[key] { constants[key] = .array(try c.vector(key)) } else { constants[key] = .scalar(try c.double(key)) }
            }
        }
        do {
            return try ExpressionTarget(formula: formula, isEnergy: field == "energy", dimension: d, constants: constants)
        } catch {
            throw f.error(field, "column \(error.column): \(error.message)")
        }
    }
}
