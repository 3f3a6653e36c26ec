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
    /// SMC: the effective sample size of the incremental weights at each stage (1/Σwᵢ², before
    /// resampling; the adaptive schedule aims at `ess_target` × particles).
    public var essPerStage: [Double] = []
    public var counts: OracleCounts
    /// Set when the run stopped early (e.g. every weight underflowed); the message says where.
    public var failure: String?
    /// SMC: a single-run estimate of Var(Ẑ)/Z² (≈ Var(log Ẑ)) from the genealogy (Lee & Whiteley
    /// 2018); nil where it does not hold (resampling other than multinomial, waste-free SMC, rdMC,
    /// a failed run).
    public var logZVariance: Double? = nil
    /// rdMC: the importance-sampling ESS of the score estimates at each outer step (empty for SMC
    /// and for rdMC's `ula` estimator, which has no weights).
    public var scoreQuality: [ScoreQuality] = []
    /// What the user should know about this run's reliability (rdMC: too few effective samples).
    public var warnings: [String] = []
}

/// A sampler that evolves a whole population: one call is one independent run.
public protocol PopulationSampler: Sendable {
    var name: String { get }
    var particles: Int { get }
    /// One run; with `checkpoints`, its state is offered between stages, or it resumes from one.
    /// Throws only for a resume state that cannot be read.
    func run(target: NamedTarget, noise: RandomStream, checkpoints: (any StageCheckpoints)?) throws(SampoError) -> PopulationRun
    /// One line on a run's schedule, e.g. "12 stages".
    func describe(_ run: PopulationRun) -> String
    /// What `PopulationRun.acceptancePerStage` measures.
    var acceptanceDescription: String { get }
    /// The population size that spends about `budget` oracle calls in one run (comparisons at
    /// equal budgets), and the calls spent to find it (a pilot run), to be counted with the run's.
    func particles(forBudget budget: Int, target: NamedTarget, seed: UInt64) -> (particles: Int, pilotCalls: Int)
    /// Scratch each worker holds besides the population, in dimension d: the factors whose product
    /// is its number of doubles, and the parameter that sets it (checked against the memory limit
    /// before a run, as `particles` is). nil when it is negligible.
    func scratch(dimension d: Int) -> (factors: [Int], parameter: String)?
}

extension PopulationSampler {
    public func scratch(dimension d: Int) -> (factors: [Int], parameter: String)? { nil }

    /// One run from the start (nothing to read, so nothing to throw).
    public func run(target: NamedTarget, noise: RandomStream) -> PopulationRun {
        do { return try run(target: target, noise: noise, checkpoints: nil) } catch {
            return PopulationRun(particles: [], count: 0, logZ: nil, schedule: [], acceptancePerStage: [], counts: OracleCounts(),
                                 failure: error.message)
        }
    }
}

/// Population state in checkpoints: arrays checked against the lengths the run built.
extension CheckpointReader {
    public mutating func readDoubles(count: Int, _ what: String) throws(SampoError) -> [Double] {
        let v = try readDoubles()
        guard v.count == count else { throw .runtime("checkpoint: \(v.count) values of \(what), expected \(count)") }
        return v
    }

    public mutating func readOptionalString() throws(SampoError) -> String? {
        try readBool() ? try readString() : nil
    }

    public mutating func readOptionalDouble() throws(SampoError) -> Double? {
        let present = try readBool(), v = try readDouble()
        return present ? v : nil
    }
}

extension CheckpointWriter {
    public mutating func write(optional v: String?) { write(v != nil); if let v { write(v) } }
    public mutating func write(optional v: Double?) { write(v != nil); write(v ?? 0) }
}

