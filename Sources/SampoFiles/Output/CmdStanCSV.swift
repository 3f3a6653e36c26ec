import SampoCore
import SampoRuns
import Foundation

/// Draws in CmdStan's layout, one file per chain (`PREFIX_1.csv`, …), so the Stan ecosystem reads
/// them (ArviZ `from_cmdstan`, cmdstanpy `from_csv`, R's posterior): a `#` configuration header in
/// CmdStan's indented `key = value` form, `lp__` and the sampler columns first (accept_stat__,
/// stepsize__, treedepth__, n_leapfrog__, divergent__, energy__, when the sampler records them),
/// then the values with CmdStan's dotted names (`theta.1`); after the header the adaptation block
/// (step size, inverse metric) and at the end the elapsed time.
public enum CmdStanCSV {
    /// The file of chain c (from 0) for `prefix` (`DIR/PREFIX`).
    public static func path(prefix: String, chain c: Int) -> String { "\(prefix)_\(c + 1).csv" }

    /// Writes every chain that recorded draws; `names` are the draws' columns (a Stan target's
    /// reported names: `lp__` first). Returns the paths written.
    @discardableResult
    public static func write(job: SamplingJob, run: ChainRun, names: [String], modelName: String,
                             prefix: String) throws(SampoError) -> [String] {
        var written: [String] = []
        let lpColumn = names.firstIndex(of: "lp__")
        let stats = run.statistics, width = TransitionStatistics.columns.count
        let capacity = run.draws.capacity, d = run.draws.dimension
        let valueColumns = names.indices.filter { $0 != lpColumn }
        let isNUTS = job.sampler.name == "nuts", hamiltonian = job.sampler.name == "nuts" || job.sampler.name == "hmc"
        for c in 0..<run.draws.chains where run.draws.recorded[c] > 0 {
            var text = config(job: job, chain: c, modelName: modelName, isNUTS: isNUTS, hamiltonian: hamiltonian)
            var header = ["lp__"] + (stats == nil ? [] : TransitionStatistics.columns)
            header += valueColumns.map { StanNames.dotted(names[$0]) }
            text += header.joined(separator: ",") + "\n"
            let o = run.outcomes[c]
            if let h = o.adaptedStepSize {
                text += "# Adaptation terminated\n# Step size = \(DrawsCSV.format(h))\n"
                // CmdStan has no low-rank form: the d × d matrix it stands for.
                switch o.inverseMetric.map({ $0.lowRank.map { InverseMetric.dense($0.dense) } ?? $0 }) {
                case .diagonal(let v)?:
                    text += "# Diagonal elements of inverse mass matrix:\n# " + v.map(DrawsCSV.format).joined(separator: ", ") + "\n"
                case .dense(let v)?:
                    let n = Int(Double(v.count).squareRoot().rounded())
                    text += "# Elements of inverse mass matrix:\n"
                    for r in 0..<n { text += "# " + (0..<n).map { DrawsCSV.format(v[r * n + $0]) }.joined(separator: ", ") + "\n" }
                default:
                    break
                }
            }
            for i in 0..<run.draws.recorded[c] {
                // lp__: the reported one (a Stan target), else the target's log density at the draw.
                let lp = lpColumn.map { run.draws.value(chain: c, draw: i, coordinate: $0) }
                    ?? job.target.density.logDensity((0..<d).map { run.draws.value(chain: c, draw: i, coordinate: $0) })
                var row: [String] = [DrawsCSV.format(lp)]
                if let stats {
                    let base = (c * capacity + i) * width
                    for k in 0..<width {
                        let v = stats[base + k]
                        row.append([2, 3, 4].contains(k) && v.rounded() == v && abs(v) < 1e15 ? "\(Int(v))" : DrawsCSV.format(v))
                    }
                }
                for j in valueColumns where j < d { row.append(DrawsCSV.format(run.draws.value(chain: c, draw: i, coordinate: j))) }
                text += row.joined(separator: ",") + "\n"
            }
            // Sampo times the run, not each chain's phases: the total is the whole run's wall time.
            text += "# \n#  Elapsed Time: \(String(format: "%.3f", run.wallSeconds)) seconds (Total)\n# \n"
            let p = path(prefix: prefix, chain: c)
            try AtomicFile.write(text, to: p)
            written.append(p)
        }
        return written
    }

    /// CmdStan's configuration comments, with Sampo's sampler where CmdStan has its own.
    static func config(job: SamplingJob, chain c: Int, modelName: String, isNUTS: Bool, hamiltonian: Bool) -> String {
        let s = job.settings
        var lines = [
            "stan_version_major = 2", "stan_version_minor = 35", "stan_version_patch = 0",
            "model = \(modelName)",
            "method = sample (Default)",
            "  sample",
            "    num_samples = \(s.steps / s.thin)",
            "    num_warmup = \(s.warmup)",
            "    save_warmup = false",
            "    thin = \(s.thin)",
            "    adapt",
            "      engaged = \(s.adaptation != nil)",
        ]
        if let a = s.adaptation { lines.append("      delta = \(a.target)") }
        lines += [
            "    algorithm = \(hamiltonian ? "hmc" : "sampo")",
        ]
        if hamiltonian {
            lines += ["      hmc", "        engine = \(isNUTS ? "nuts" : "static")"]
            if isNUTS {
                let depth = job.resolvedParameters["max_depth"].map { Int($0) } ?? NUTSSettings.maxDepth.defaultValue
                lines += ["          nuts", "            max_depth = \(depth)"]
            }
            // Stan's names for the shape: diag_e, dense_e (low rank written out as the matrix), unit_e.
            let metric = s.adaptation?.metric ?? .unit
            lines.append("        metric = \(metric == .unit ? "unit_e" : metric.isDense || metric == .fisherLowRank ? "dense_e" : "diag_e")")
            lines.append("        stepsize = \(job.stepSize)")
        }
        lines += [
            "    num_chains = 1",
            "id = \(c + 1)",
            "random",
            "  seed = \(s.seed)",
            "sampo_sampler = \(job.sampler.name)",
            "sampo_target = \(job.target.path)",
        ]
        return lines.map { "# " + $0 + "\n" }.joined()
    }
}
