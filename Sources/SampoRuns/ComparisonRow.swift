import SampoCore

/// One row of the comparison CSV (columns in the README's "Comparisons" section); nil is an empty cell (metric does not apply).
public struct ComparisonRow: Sendable, Equatable {
    public var target: String
    public var sampler: String
    public var seed: UInt64
    public var values: [String: Double?]

    public static let columns = ["target", "sampler", "seed", "step_size", "chains", "steps", "grad_evals", "warmup_grad_evals",
                                 "wall_seconds",
                                 "accept_rate", "ess_bulk_min", "ess_tail_min", "rhat_max", "ess_per_second",
                                 "ess_per_1k_grad", "mean_error", "cov_error", "sliced_w2", "energy_distance", "ksd",
                                 "mode_weight_tv", "log_z", "log_z_se", "diverged_chains", "divergent_transitions", "psnr", "ssim",
                                 "ref_max_abs_z", "ref_max_sd_error"]
    /// Columns that hold counts (whole numbers).
    public static let countColumns: Set<String> = ["chains", "steps", "grad_evals", "warmup_grad_evals", "diverged_chains", "divergent_transitions"]
    /// Columns that measure time and so differ between otherwise identical runs.
    public static let timingColumns: Set<String> = ["wall_seconds", "ess_per_second"]

    public init(target: String, sampler: String, seed: UInt64, values: [String: Double?]) {
        self.target = target; self.sampler = sampler; self.seed = seed; self.values = values
    }

    /// What distinguishes runs of one (target, sampler, seed) at different budgets.
    package var size: Double { ((values["steps"] ?? nil) ?? 0) * 1e6 + ((values["chains"] ?? nil) ?? 0) }

    /// Identifies a run: two rows with the same key are the same run (e.g. one shard given twice).
    public var key: String { "\(target)|\(sampler)|\(seed)|\(cell("step_size"))|\(cell("steps"))|\(cell("chains"))" }

    /// The CSV cell of `column` (shortest round-trip numbers, whole counts as integers).
    public func cell(_ column: String) -> String {
        switch column {
        case "target": return target
        case "sampler": return sampler
        case "seed": return "\(seed)"
        default:
            // A non-finite value is not a measurement: an empty cell, as for "does not apply".
            guard let v = values[column] ?? nil, v.isFinite else { return "" }
            if Self.countColumns.contains(column), v.rounded() == v, abs(v) < 1e15 {
                return "\(Int(v))"
            }
            return v.description
        }
    }
}

