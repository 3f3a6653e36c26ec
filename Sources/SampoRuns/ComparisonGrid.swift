import SampoCore
/// The grid of a sampler comparison: targets × samplers × seeds, expanded in that order.
public struct ComparisonGrid: Sendable, Equatable {
    /// One sampler of the grid with its settings.
    public struct SamplerEntry: Sendable, Equatable {
        public var name: String
        public var stepSize: Double?
        public var settings: [String: String]
        public init(name: String, stepSize: Double? = nil, settings: [String: String] = [:]) {
            self.name = name; self.stepSize = stepSize; self.settings = settings
        }

        /// Reads a label back (`nuts`, or `nuts[adaptation=stan metric=diag]`): the name, and the
        /// settings between brackets, separated by spaces.
        public init(label: String) throws(SampoError) {
            guard let open = label.firstIndex(of: "[") else { self.init(name: label); return }
            guard label.hasSuffix("]") else { throw .invalid(.argument("samplers"), "'\(label)': expected NAME[key=value ...] with a closing ]") }
            var settings: [String: String] = [:]
            for pair in label[label.index(after: open)..<label.index(before: label.endIndex)].split(separator: " ") {
                let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard kv.count == 2, !kv[0].isEmpty, !kv[1].isEmpty else {
                    throw .invalid(.argument("samplers"), "'\(label)': expected key=value settings, found '\(pair)'")
                }
                settings[kv[0]] = kv[1]
            }
            self.init(name: String(label[..<open]), settings: settings)
        }

        /// The comparison row's name: the sampler's, with its settings when it has any, e.g.
        /// `nuts[adaptation=nutpie metric=fisher-lowrank]` (sorted; no comma, so the CSV cell needs no quoting).
        public var label: String {
            settings.isEmpty ? name : name + "[" + settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + "]"
        }
    }

    /// One run of the grid.
    public struct Cell: Sendable, Equatable {
        public let index: Int
        public let target: String
        public let sampler: SamplerEntry
        public let seed: UInt64
    }

    public var targets: [String]
    public var samplers: [SamplerEntry]
    public var seeds: [UInt64]
    /// Oracle calls per chain (population samplers get budget × chains in total).
    public var budget: Int
    public var chains: Int
    public var tune: Bool
    /// Independent runs of a population sampler, sharing its total budget (budget × chains): with
    /// two or more, its standard errors (and a gold standard's z) come from the spread between them.
    public var populationRuns: Int
    /// Warm-up iterations of the samplers with Stan's warm-up (hmc, nuts); nil: a fifth of the
    /// iterations for fixed-cost ones, a fiftieth of the budget (150–1 000) for NUTS.
    public var warmup: Int?
    /// Draws per chain after warm-up for the samplers whose step cost varies (nuts; hmc with a
    /// length), as Stan runs them (e.g. 1 000), instead of spending the budget; nil: the budget.
    public var steps: Int?

    /// What a cell's row depends on beyond its target, sampler label and seed: the Sampo version,
    /// budget, chains, tuning, population runs, warm-up, draws and each sampler's step size. Rows
    /// kept from a file whose fingerprint differs would silently mix two grids.
    public var fingerprint: String {
        let entries = samplers.map { $0.label + "@" + ($0.stepSize.map { "\($0)" } ?? "default") }.joined(separator: " ")
        return "sampo \(SampoVersion.current); budget \(budget); chains \(chains); tune \(tune); population_runs \(populationRuns); "
            + "warmup \(warmup.map(String.init) ?? "default"); steps \(steps.map(String.init) ?? "budget"); samplers \(entries)"
    }

    public init(targets: [String], samplers: [SamplerEntry], seeds: [UInt64], budget: Int = 10_000, chains: Int = 4,
                tune: Bool = false, populationRuns: Int = 1, warmup: Int? = nil, steps: Int? = nil) {
        self.targets = targets; self.samplers = samplers; self.seeds = seeds
        self.budget = budget; self.chains = chains; self.tune = tune; self.populationRuns = populationRuns
        self.warmup = warmup; self.steps = steps
    }

    public func validate() throws(SampoError) {
        guard !targets.isEmpty else { throw .invalid(.argument("targets"), "expected at least one target") }
        guard !samplers.isEmpty else { throw .invalid(.argument("samplers"), "expected at least one sampler") }
        guard !seeds.isEmpty else { throw .invalid(.argument("seeds"), "expected at least one seed") }
        guard budget >= 100 else { throw .invalid(.argument("budget"), "expected at least 100 oracle calls per chain, found \(budget)") }
        guard chains >= 1 else { throw .invalid(.argument("chains"), "expected at least 1, found \(chains)") }
        if let w = warmup, w < 0 { throw .invalid(.argument("warmup"), "expected at least 0 iterations, found \(w)") }
        if let n = steps, n < 10 { throw .invalid(.argument("steps"), "expected at least 10 draws per chain, found \(n)") }
        guard populationRuns >= 1 else { throw .invalid(.argument("populationRuns"), "expected at least 1, found \(populationRuns)") }
        if let t = firstRepeat(targets) { throw .invalid(.argument("targets"), "'\(t)' is listed twice") }
        if let s = firstRepeat(samplers.map { "\($0.name) \($0.stepSize.map { "\($0)" } ?? "") \($0.settings.sorted { $0.key < $1.key })" }) {
            throw .invalid(.argument("samplers"), "the same sampler with the same settings is listed twice (\(s.split(separator: " ")[0]))")
        }
        if let seed = firstRepeat(seeds) { throw .invalid(.argument("seeds"), "seed \(seed) is listed twice") }
        for s in samplers {
            let info = try SamplerCatalog.named(s.name)
            _ = try info.parameters(s.settings.mapValues { ParameterValue.text($0) })
            if let h = s.stepSize {
                guard !info.isPopulation else { throw .invalid(.stepSize, "sampler '\(info.name)' takes no step size") }
                try info.validate(stepSize: h)
            }
        }
    }

    private func firstRepeat<T: Hashable>(_ items: [T]) -> T? {
        var seen = Set<T>()
        for item in items where !seen.insert(item).inserted { return item }
        return nil
    }

    public var cells: [Cell] {
        var out: [Cell] = []
        for t in targets { for s in samplers { for seed in seeds {
            out.append(Cell(index: out.count, target: t, sampler: s, seed: seed))
        } } }
        return out
    }

    /// The cells of shard i of n (1-based i): every n-th cell starting at i − 1, so shards are disjoint
    /// and together cover the grid.
    public func cells(shard: Int, of count: Int) -> [Cell] {
        cells.filter { $0.index % count == shard - 1 }
    }

    /// Parses "1-5", "3", "1,4,9" or "1-3,7".
    public static func parseSeeds(_ text: String) throws(SampoError) -> [UInt64] {
        var out: [UInt64] = []
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: "-").map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
            if bounds.count == 1, let a = bounds[0] { out.append(a); continue }
            guard bounds.count == 2, let a = bounds[0], let b = bounds[1], a <= b, b - a < 1_000_000 else {
                throw .invalid(.argument("seeds"), "expected a list like 1-5 or 1,4,9, found '\(text)'")
            }
            out += Array(a...b)
        }
        guard !out.isEmpty else { throw .invalid(.argument("seeds"), "expected at least one seed, found '\(text)'") }
        return out
    }

    /// Parses a shard "i/n" (shard i of n, 1-based).
    /// The shard of a Slurm array task: task `SLURM_ARRAY_TASK_ID` of an array from
    /// `SLURM_ARRAY_TASK_MIN` with `SLURM_ARRAY_TASK_COUNT` tasks (step 1) is shard id − min + 1 of count.
    public static func slurmShard(environment: [String: String]) throws(SampoError) -> (Int, Int) {
        func number(_ key: String) throws(SampoError) -> Int? {
            guard let text = environment[key] else { return nil }
            guard let v = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw .invalid(.argument("shard"), "\(key) is '\(text.prefix(40))', expected a whole number")
            }
            return v
        }
        guard let id = try number("SLURM_ARRAY_TASK_ID") else {
            throw .invalid(.argument("shard"), "auto: SLURM_ARRAY_TASK_ID is not set (not a Slurm array task); give i/n")
        }
        let low = try number("SLURM_ARRAY_TASK_MIN") ?? 0
        let step = try number("SLURM_ARRAY_TASK_STEP") ?? 1
        guard step == 1 else { throw .invalid(.argument("shard"), "auto: the array's step is \(step); shards need consecutive task ids (an array such as 1-4)") }
        let count: Int
        if let c = try number("SLURM_ARRAY_TASK_COUNT") { count = c }
        else if let high = try number("SLURM_ARRAY_TASK_MAX") { count = high - low + 1 }
        else { throw .invalid(.argument("shard"), "auto: neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX is set") }
        let i = id - low + 1
        guard count >= 1, i >= 1, i <= count else {
            throw .invalid(.argument("shard"), "auto: task \(id) of an array from \(low) with \(count) tasks is not a shard 1…\(count)")
        }
        return (i, count)
    }

    public static func parseShard(_ text: String) throws(SampoError) -> (Int, Int) {
        let parts = text.split(separator: "/").map { Int($0) }
        guard parts.count == 2, let i = parts[0], let n = parts[1], n >= 1, i >= 1, i <= n else {
            throw .invalid(.argument("shard"), "expected i/n with 1 ≤ i ≤ n, found '\(text)'")
        }
        return (i, n)
    }
}
