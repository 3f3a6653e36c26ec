import Sampo
import SampoCore
import SampoDiagnostics
import SampoFiles
import SampoRuns

/// The library names API concepts (a step size, a sampler parameter, an argument); the command
/// line names its flags, so messages read as they always have: `--step-size: …`, `--set lambda: …`.
extension SampoError {
    var commandLineMessage: String {
        switch self {
        case .invalid(let setting, let text): return "\(setting.flag): \(text)"
        case .unknownSampler: return "--sampler: \(description)"
        case .unknownParameter(_, let name, _): return "--set \(name): \(description)"
        case .unknownTarget: return "--target: \(description)"
        case .allChainsDiverged(let chains):
            return "all \(chains) chain\(chains == 1 ? "" : "s") diverged (the state became non-finite or exceeded the divergence bound); "
                + "try a smaller --step-size"
        default: return description
        }
    }

    /// 2 for bad input, 1 for a failed run (the README's contract).
    var exitStatus: Int32 { isUsage ? 2 : 1 }
}

extension SampoError.Setting {
    /// Library argument names whose flag is spelled differently.
    static let flagNames = ["initialization": "--init", "runs": "--chains", "path": "--out",
                            "samplerStatistics": "--sampler-stats", "adaptation": "--adapt",
                            "initialMetric": "--metric-from", "populationRuns": "--population-runs"]

    var flag: String {
        switch self {
        case .stepSize: return "--step-size"
        case .samplerParameter(let name): return "--set \(name)"
        case .argument(let name, let at): return (Self.flagNames[name] ?? "--\(name)") + at.map { "[\($0)]" }.joined()
        }
    }
}
