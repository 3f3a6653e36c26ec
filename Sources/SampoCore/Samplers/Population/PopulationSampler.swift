import Foundation

/// What a population sampler (SMC, rdMC) returns for one independent run.
public struct PopulationRun: Sendable {
    /// Particles, row-major N × d (equally weighted).
    public var particles: [Double]
    public var count: Int
    /// log Ẑ when the sampler estimates it.
    public var logZ: Double?
    /// SMC: the temperature schedule λ₀ = 0 < … < 1; rdMC: the outer time grid.
    public var schedule: [Double]
    /// Acceptance rate of the moves at each stage (SMC).
    public var acceptancePerStage: [Double]
    public var counts: OracleCounts
    /// Set when the run stopped early (e.g. every weight underflowed); the message says where.
    public var failure: String?
}

/// A sampler that evolves a whole population: one call is one independent run.
public protocol PopulationSampler: Sendable {
    var name: String { get }
    var particles: Int { get }
    func run(target: NamedTarget, noise: RandomStream) -> PopulationRun
}

/// `--set key=value` for population samplers: numbers and named choices, checked against the
/// keys a sampler knows; every error names the key.
public struct PopulationSettings: Sendable {
    public let sampler: String
    private var values: [String: String]
    private var used: Set<String> = []

    public init(sampler: String, values: [String: String]) {
        self.sampler = sampler
        self.values = values
    }

    public func has(_ key: String) -> Bool { values[key] != nil }

    public mutating func number(_ key: String, default value: Double, positive: Bool = true) throws(SampoError) -> Double {
        used.insert(key)
        guard let raw = values[key] else { return value }
        guard let v = Double(raw), v.isFinite else { throw .usage("--set \(key): expected a number, found '\(raw)'") }
        if positive && v <= 0 { throw .usage("--set \(key): expected a positive number, found \(v)") }
        return v
    }

    /// A positive number that has no default (nil when not given).
    public mutating func optionalNumber(_ key: String) throws(SampoError) -> Double? {
        guard has(key) else { used.insert(key); return nil }
        return try number(key, default: 0)
    }

    public mutating func integer(_ key: String, default value: Int, minimum: Int) throws(SampoError) -> Int {
        used.insert(key)
        guard let raw = values[key] else { return value }
        guard let v = Int(raw) else { throw .usage("--set \(key): expected a whole number, found '\(raw)'") }
        guard v >= minimum else { throw .usage("--set \(key): expected at least \(minimum), found \(v)") }
        return v
    }

    public mutating func choice(_ key: String, default value: String, among options: [String]) throws(SampoError) -> String {
        used.insert(key)
        guard let raw = values[key] else { return value }
        guard options.contains(raw) else {
            throw .usage("--set \(key): unknown value '\(raw)' (expected one of: \(options.joined(separator: ", ")))")
        }
        return raw
    }

    public mutating func flag(_ key: String, default value: Bool) throws(SampoError) -> Bool {
        used.insert(key)
        guard let raw = values[key] else { return value }
        switch raw.lowercased() {
        case "on", "true", "1", "yes": return true
        case "off", "false", "0", "no": return false
        default: throw .usage("--set \(key): expected on or off, found '\(raw)'")
        }
    }

    /// Call after reading every parameter: any key left over is unknown to the sampler.
    public func rejectUnknown() throws(SampoError) {
        for key in values.keys.sorted() where !used.contains(key) {
            throw .usage("--set \(key): sampler '\(sampler)' has no parameter '\(key)' (known: \(used.sorted().joined(separator: ", ")))")
        }
    }
}

/// log Σ exp(v_i), safe for large and −∞ entries.
package func logSumExp(_ v: [Double]) -> Double {
    let m = v.max() ?? -.infinity
    guard m.isFinite else { return m }
    return m + log(v.reduce(0) { $0 + exp($1 - m) })
}
