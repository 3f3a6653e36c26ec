import SampoCore
/// `family = "composite"`: a `[smooth]` table holding any target and a `[nonsmooth]` table with
/// `kind = "l1"` (rate, center), `"box"` (lower, upper) or `"l2-squared"` (center, scale).
enum CompositeSpec {
    static let keys: Set<String> = ["name", "description", "family", "dimension", "smooth", "nonsmooth", "reference"]
    static let kinds = ["l1", "box", "l2-squared"]

    static func build(_ f: TOMLFields, notes: inout [String]) throws(SampoError) -> CompositeTarget {
        try f.rejectUnknownKeys(allowed: keys)
        guard f.has("smooth") else { throw f.error("smooth", "missing: a composite needs a [smooth] table holding a target") }
        guard f.has("nonsmooth") else { throw f.error("nonsmooth", "missing: a composite needs a [nonsmooth] table") }
        let smoothFields = try f.subtable("smooth")
        let smooth = try TargetFile.build(smoothFields, notes: &notes)
        let g = try term(try f.subtable("nonsmooth"), dimension: smooth.dimension)
        return CompositeTarget(smooth: smooth, nonsmooth: g)
    }

    static func term(_ f: TOMLFields, dimension d: Int) throws(SampoError) -> any ProximalTerm {
        let kind = try f.string("kind")
        func vector(_ key: String, default value: Double? = nil) throws(SampoError) -> [Double] {
            if !f.has(key), let value { return Array(repeating: value, count: d) }
            let v = try f.vector(key)
            guard v.count == d else { throw f.error(key, "expected \(d) numbers (the dimension), found \(v.count)") }
            return v
        }
        switch kind {
        case "l1":
            try f.rejectUnknownKeys(allowed: ["kind", "rate", "center"])
            let rate = try f.double("rate"), center = try vector("center", default: 0)
            return try TargetFile.inFile(f) { () throws(SampoError) in try L1Term(rate: rate, center: center) }
        case "box":
            try f.rejectUnknownKeys(allowed: ["kind", "lower", "upper"])
            let lower = try vector("lower"), upper = try vector("upper")
            return try TargetFile.inFile(f) { () throws(SampoError) in try BoxTerm(lower: lower, upper: upper) }
        case "l2-squared":
            try f.rejectUnknownKeys(allowed: ["kind", "center", "scale"])
            let center = try vector("center", default: 0), scale = try f.double("scale")
            return try TargetFile.inFile(f) { () throws(SampoError) in try SquaredL2Term(center: center, scale: scale) }
        default:
            throw f.error("kind", "unknown proximal term '\(kind)' (known: \(kinds.joined(separator: ", ")))")
        }
    }
}
