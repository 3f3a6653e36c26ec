import SampoCore
import SampoDiagnostics
import SampoRuns

/// An experiment file (TOML): a comparison grid written down, for example:
/// ```toml
/// targets = ["lau-gmm", "gmm25"]
/// seeds = "1-3"                 # or [1, 2, 3]
/// budget = 20000                # oracle calls per chain
/// chains = 4
/// tune = false
/// population_runs = 1           # independent runs of each population sampler, sharing its budget
/// warmup = 1000                 # warm-up iterations of hmc and nuts (default: from the budget)
/// steps = 1000                  # draws per chain of nuts (hmc with a length) after warm-up, instead of the budget
/// [[samplers]]
/// name = "mala"
/// step_size = 0.2
/// [[samplers]]
/// name = "smc"
/// set = { particles = 2000, resampling = "systematic" }
/// ```
public enum ExperimentFile {
    public static func load(_ path: String) throws(SampoError) -> ComparisonGrid {
        try parse(try TextFile.text(path), file: path)
    }

    public static func parse(_ text: String, file: String) throws(SampoError) -> ComparisonGrid {
        let table = try TOMLFields.parse(text, file: file)
        let f = TOMLFields(file: file, table: table)
        try f.rejectUnknownKeys(allowed: ["targets", "seeds", "budget", "chains", "tune", "population_runs", "warmup", "steps", "samplers", "description"])
        guard let targetArray = table["targets"]?.array else { throw f.error("targets", "missing: an array of target names or files") }
        var targets: [String] = []
        for i in 0..<targetArray.count {
            guard let s = targetArray[i].string else { throw f.error("targets[\(i + 1)]", "expected a string") }
            targets.append(s)
        }
        var seeds: [UInt64] = [1]
        if let v = table["seeds"] {
            if let s = v.string {
                do { seeds = try ComparisonGrid.parseSeeds(s) } catch { throw f.error("seeds", "expected a list like 1-5 or 1,4,9, found '\(s)'") }
            } else if let a = v.array {
                seeds = []
                for i in 0..<a.count {
                    guard let n = a[i].int, n >= 0 else { throw f.error("seeds[\(i + 1)]", "expected a whole number ≥ 0") }
                    seeds.append(UInt64(n))
                }
            } else { throw f.error("seeds", "expected a string like \"1-5\" or an array of whole numbers") }
        }
        let budget = f.has("budget") ? try f.int("budget") : 10_000
        let chains = f.has("chains") ? try f.int("chains") : 4
        let populationRuns = f.has("population_runs") ? try f.int("population_runs") : 1
        guard populationRuns >= 1 else { throw f.error("population_runs", "expected at least 1, found \(populationRuns)") }
        let warmup = f.has("warmup") ? try f.int("warmup") : nil
        if let w = warmup, w < 0 { throw f.error("warmup", "expected at least 0 iterations, found \(w)") }
        let steps = f.has("steps") ? try f.int("steps") : nil
        if let n = steps, n < 10 { throw f.error("steps", "expected at least 10 draws per chain, found \(n)") }
        var tune = false
        if let t = table["tune"] {
            guard let b = t.bool else { throw f.error("tune", "expected true or false") }
            tune = b
        }
        guard let list = table["samplers"]?.array else { throw f.error("samplers", "missing: add [[samplers]] tables with a name") }
        var samplers: [ComparisonGrid.SamplerEntry] = []
        for i in 0..<list.count {
            guard let t = list[i].table else { throw f.error("samplers[\(i + 1)]", "expected a table") }
            let s = TOMLFields(file: file, table: t, prefix: "samplers[\(i + 1)].")
            try s.rejectUnknownKeys(allowed: ["name", "step_size", "set"])
            var entry = ComparisonGrid.SamplerEntry(name: try s.string("name"))
            if s.has("step_size") {
                let h = try s.double("step_size")
                guard h > 0 else { throw s.error("step_size", "expected a positive number, found \(h)") }
                entry.stepSize = h
            }
            if s.has("set") {
                let set = try s.subtable("set")
                for key in set.table.keys {
                    guard let v = set.table[key] else { continue }
                    if let d = v.double { entry.settings[key] = "\(d)" } else if let n = v.int { entry.settings[key] = "\(n)" } else if let str = v.string {
                        entry.settings[key] = str
                    } else if let b = v.bool { entry.settings[key] = b ? "on" : "off" } else {
                        throw set.error(key, "expected a number, string or boolean")
                    }
                }
            }
            samplers.append(entry)
        }
        let grid = ComparisonGrid(targets: targets, samplers: samplers, seeds: seeds, budget: budget, chains: chains, tune: tune,
                                  populationRuns: populationRuns, warmup: warmup, steps: steps)
        do { try grid.validate() } catch { throw .badFile(path: file, error.description) }
        return grid
    }
}
