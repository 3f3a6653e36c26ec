import SampoCore
import SampoDiagnostics

/// Something that may make a run's results wrong without looking wrong: Stan's three sampler
/// warnings (divergent transitions, saturated tree depth, low E-BFMI), ArviZ's convergence checks
/// (R-hat > 1.01, bulk or tail ESS below 100 per chain), chains that never moved, left the finite
/// range or met NaN densities, and the estimates that disagree between chains or runs.
/// `message` is a whole sentence; the other fields say what it is about, for code that reads them.
public struct RunWarning: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Transitions whose energy error exceeded the divergence threshold (Stan's `divergent__`).
        case divergentTransitions = "divergent_transitions"
        /// Transitions that stopped at the largest tree depth (Stan's `treedepth__` = `max_depth`).
        case maxTreeDepth = "max_treedepth"
        /// Energy Bayesian fraction of missing information below 0.3 (Betancourt 2016).
        case lowEBFMI = "low_ebfmi"
        /// Rank-normalised split R-hat above 1.01 (Vehtari et al. 2021).
        case rhat
        /// Bulk or tail ESS below 100 per chain.
        case lowBulkESS = "low_ess_bulk"
        case lowTailESS = "low_ess_tail"
        /// A chain that accepted no proposal after warm-up: it did not move.
        case stuckChain = "stuck_chain"
        /// A chain whose state became non-finite or left the divergence bound; it stopped there.
        case divergedChain = "diverged_chain"
        /// A chain whose draws grow steadily (each quarter's largest |x| above the previous one's,
        /// the last 100× the first): it is not stationary, whatever R-hat says.
        case nonStationary = "non_stationary"
        /// Proposals where the density was NaN (rejected).
        case nanProposals = "nan_proposals"
        /// A warm-up metric fit that could not be made (a simpler one was used).
        case metricFit = "metric_fit"
        /// Chains or runs that disagree about log Ẑ, or an estimate away from a known log Z.
        case logZ = "log_z"
        /// Chains or runs that disagree about the modes' weights, or weights away from the target's.
        case modeWeights = "mode_weights"
        /// Population samplers: importance weights or score estimates too degenerate to trust.
        case weightDegeneracy = "weight_degeneracy"
    }

    public var kind: Kind
    /// The chain (or run) it is about, numbered from 0; nil when it is about the whole run.
    public var chain: Int?
    /// The parameter it is about (R-hat, ESS), by the draws' column name.
    public var parameter: String?
    /// The measured value (a count, R-hat, ESS, E-BFMI) and the threshold it crossed.
    public var value: Double?
    public var threshold: Double?
    public var message: String

    public init(kind: Kind, chain: Int? = nil, parameter: String? = nil, value: Double? = nil,
                threshold: Double? = nil, message: String) {
        self.kind = kind; self.chain = chain; self.parameter = parameter
        self.value = value; self.threshold = threshold; self.message = message
    }

    public var description: String { message }

    // In files chains are numbered from 1, as everywhere in Sampo's outputs.
    enum CodingKeys: String, CodingKey { case kind, chain, parameter, value, threshold, message }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(Kind.self, forKey: .kind)
        chain = try c.decodeIfPresent(Int.self, forKey: .chain).map { $0 - 1 }
        parameter = try c.decodeIfPresent(String.self, forKey: .parameter)
        value = try c.decodeIfPresent(Double.self, forKey: .value)
        threshold = try c.decodeIfPresent(Double.self, forKey: .threshold)
        message = try c.decode(String.self, forKey: .message)
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encodeIfPresent(chain.map { $0 + 1 }, forKey: .chain)
        try c.encodeIfPresent(parameter, forKey: .parameter)
        // JSON has no NaN or infinity: such values are left out (the message says them).
        try c.encodeIfPresent(value.flatMap { $0.isFinite ? $0 : nil }, forKey: .value)
        try c.encodeIfPresent(threshold.flatMap { $0.isFinite ? $0 : nil }, forKey: .threshold)
        try c.encode(message, forKey: .message)
    }

    /// Stan's threshold for E-BFMI.
    public static let ebfmiThreshold = 0.3
    /// R-hat above this is a warning (Vehtari et al. 2021; ArviZ).
    public static let rhatThreshold = 1.01
    /// ESS below this many per chain is a warning (ArviZ: 400 for four chains).
    public static let essPerChain = 100.0

    /// Per-chain warnings from the chains' outcomes: divergent transitions, saturated tree depth,
    /// low E-BFMI, chains that did not move, diverged chains and NaN densities.
    public static func chainWarnings(_ outcomes: [ChainOutcome]) -> [RunWarning] {
        var out: [RunWarning] = []
        for (c, o) in outcomes.enumerated() {
            let name = "chain \(c + 1)"
            if let at = o.divergedAt {
                out.append(RunWarning(kind: .divergedChain, chain: c, value: Double(at),
                                      message: "\(name) diverged at iteration \(at) (its state became non-finite or left the divergence bound) and stopped there; "
                                        + "it is left out of the summaries"))
                continue
            }
            if o.divergentTransitions > 0 {
                out.append(RunWarning(kind: .divergentTransitions, chain: c, value: Double(o.divergentTransitions), threshold: 0,
                                      message: "\(name): \(o.divergentTransitions) of \(o.keptTransitions) transitions after warm-up diverged; "
                                        + "the draws may be biased where the target is strongly curved (a larger acceptance target `delta` or a reparametrisation helps)"))
            }
            if o.treeDepthSaturations > 0, let depth = o.maxTreeDepth {
                out.append(RunWarning(kind: .maxTreeDepth, chain: c, value: Double(o.treeDepthSaturations), threshold: Double(depth),
                                      message: "\(name): \(o.treeDepthSaturations) of \(o.keptTransitions) transitions stopped at the largest tree depth \(depth); "
                                        + "this costs efficiency, not validity (a larger `max_depth` lets trajectories finish)"))
            }
            if let e = o.ebfmi, e < ebfmiThreshold {
                out.append(RunWarning(kind: .lowEBFMI, chain: c, value: e, threshold: ebfmiThreshold,
                                      message: "\(name): E-BFMI \(formatted(e)) is below \(ebfmiThreshold): the momentum resampling explores the energy poorly "
                                        + "(heavy tails or a poorly adapted metric)"))
            }
            if o.tracksAcceptance && o.keptTransitions > 0 && o.acceptanceRate == 0 {
                out.append(RunWarning(kind: .stuckChain, chain: c, value: 0, threshold: 0,
                                      message: "\(name) accepted no proposal in \(o.keptTransitions) transitions after warm-up: it did not move "
                                        + "(a smaller step size, or a density or gradient that is not finite where the chain starts)"))
            }
            if o.nanProposals > 0 {
                out.append(RunWarning(kind: .nanProposals, chain: c, value: Double(o.nanProposals), threshold: 0,
                                      message: "\(name): the log density was NaN at \(o.nanProposals) proposals; they were rejected, so the chain samples "
                                        + "the target only where it is defined"))
            }
        }
        return out
    }

    /// Chains whose draws explode without leaving the divergence bound: each quarter's largest
    /// |coordinate| grows, the last at least `explosionFactor` times the first (rank-normalised
    /// R-hat cannot see chains that all explode alike). One pass over the draws.
    public static func explodingChains(_ draws: Draws, chains: [Int]) -> [RunWarning] {
        let d = draws.dimension
        return chains.compactMap { c -> RunWarning? in
            let n = draws.recorded[c]
            guard n >= 8, d > 0 else { return nil }
            var largest = [Double](repeating: 0, count: 4)
            var row = 0
            draws.forEachBlock(chain: c) { block in
                for start in stride(from: 0, to: block.count, by: d) {
                    let q = min(3, row * 4 / n)
                    for j in 0..<d { largest[q] = max(largest[q], abs(block[start + j])) }
                    row += 1
                }
            }
            guard largest[1] > largest[0], largest[2] > largest[1], largest[3] > largest[2],
                  largest[3] >= explosionFactor * max(largest[0], .leastNormalMagnitude) else { return nil }
            return RunWarning(kind: .nonStationary, chain: c, value: largest[3], threshold: explosionFactor * largest[0],
                              message: "chain \(c + 1) is exploding: its largest |x| grew in every quarter of its draws, from \(formatted(largest[0])) "
                                + "to \(formatted(largest[3])), without leaving the divergence bound; it is not stationary, and its summaries "
                                + "(R-hat, ESS, moments) mean nothing (a smaller step size)")
        }
    }

    /// Growth of the largest |x| from the first quarter of a chain's draws to the last that, rising
    /// in every quarter, marks an exploding chain.
    public static let explosionFactor = 100.0

    /// R-hat and ESS warnings from the summaries of `chains` chains.
    public static func convergenceWarnings(_ rows: [ParameterSummary], chains: Int) -> [RunWarning] {
        let minESS = essPerChain * Double(chains)
        var out: [RunWarning] = []
        for r in rows {
            if let rh = r.rhat, rh > rhatThreshold || rh.isNaN {
                out.append(RunWarning(kind: .rhat, parameter: r.parameter, value: rh, threshold: rhatThreshold,
                                      message: "\(r.parameter): R-hat \(formatted(rh)) > \(rhatThreshold): the chains have not mixed"))
            }
            if chains > 0, let e = r.essBulk, e < minESS {
                out.append(RunWarning(kind: .lowBulkESS, parameter: r.parameter, value: e, threshold: minESS,
                                      message: "\(r.parameter): bulk-ESS \(formatted(e)) < \(Int(minESS)) (100 per chain): the mean and its MCSE are unreliable"))
            }
            if chains > 0, let e = r.essTail, e < minESS {
                out.append(RunWarning(kind: .lowTailESS, parameter: r.parameter, value: e, threshold: minESS,
                                      message: "\(r.parameter): tail-ESS \(formatted(e)) < \(Int(minESS)) (100 per chain): the 5% and 95% quantiles are unreliable"))
            }
        }
        return out
    }

    /// Lines for a terminal: warnings of one kind about several chains or parameters are gathered
    /// into one line (the worst few parameters named), every other warning is its own line.
    public static func lines(_ warnings: [RunWarning], listing most: Int = 5) -> [String] {
        var out: [String] = []
        var gathered: [Kind: [RunWarning]] = [:]
        var order: [Kind] = []
        for w in warnings {
            guard w.parameter != nil || w.chain != nil else { out.append(w.message); continue }
            if gathered[w.kind] == nil { order.append(w.kind) }
            gathered[w.kind, default: []].append(w)
        }
        for kind in order {
            let ws = gathered[kind] ?? []
            if ws.count == 1 { out.append(ws[0].message); continue }
            if ws[0].parameter != nil {
                // The worst first: the largest R-hat, the smallest ESS.
                let sorted = ws.sorted { a, b in kind == .rhat ? (a.value ?? .infinity) > (b.value ?? .infinity) : (a.value ?? 0) < (b.value ?? 0) }
                let named = sorted.prefix(most).map { "\($0.parameter ?? "?") \(formatted($0.value ?? .nan))" }.joined(separator: ", ")
                    + (ws.count > most ? ", …" : "")
                let threshold = ws[0].threshold.map(formatted) ?? "?"
                switch kind {
                case .rhat: out.append("R-hat > \(threshold) for \(ws.count) parameters (\(named)): the chains have not mixed")
                case .lowBulkESS: out.append("bulk-ESS < \(threshold) (100 per chain) for \(ws.count) parameters (\(named)): their means and MCSEs are unreliable")
                case .lowTailESS: out.append("tail-ESS < \(threshold) (100 per chain) for \(ws.count) parameters (\(named)): their 5% and 95% quantiles are unreliable")
                default: out += ws.map(\.message)
                }
                continue
            }
            let perChain = ws.map { "chain \(($0.chain ?? 0) + 1): \(formatted($0.value ?? .nan))" }.joined(separator: ", ")
            let chains = ws.map { "\(($0.chain ?? 0) + 1)" }.joined(separator: ", ")
            let total = ws.reduce(0) { $0 + ($1.value ?? 0) }
            switch kind {
            case .divergentTransitions:
                out.append("\(formatted(total)) transitions after warm-up diverged (\(perChain)): the draws may be biased where the target is strongly curved "
                           + "(a larger acceptance target `delta` or a reparametrisation helps)")
            case .maxTreeDepth:
                out.append("\(formatted(total)) transitions stopped at the largest tree depth \(formatted(ws[0].threshold ?? .nan)) (\(perChain)): "
                           + "this costs efficiency, not validity (a larger `max_depth` lets trajectories finish)")
            case .lowEBFMI:
                out.append("E-BFMI below \(ebfmiThreshold) in chains \(chains) (\(perChain)): the momentum resampling explores the energy poorly "
                           + "(heavy tails or a poorly adapted metric)")
            case .stuckChain:
                out.append("chains \(chains) accepted no proposal after warm-up: they did not move "
                           + "(a smaller step size, or a density or gradient that is not finite where they start)")
            case .nanProposals:
                out.append("the log density was NaN at proposals of \(perChain); they were rejected, so these chains sample the target only where it is defined")
            case .nonStationary:
                out.append("chains \(chains) are exploding (their largest |x| grew in every quarter of their draws, to " + ws.map { formatted($0.value ?? .nan) }.joined(separator: ", ")
                           + ") without leaving the divergence bound: not stationary, so their summaries mean nothing (a smaller step size)")
            case .divergedChain:
                out.append("chains \(chains) diverged (state non-finite or beyond the divergence bound; at iteration " + ws.map { formatted($0.value ?? .nan) }.joined(separator: ", ")
                           + ") and stopped there; they are left out of the summaries")
            default: out += ws.map(\.message)
            }
        }
        return out
    }

    static func formatted(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        return x == x.rounded() && abs(x) < 1e9 ? String(Int(x)) : x.formatted4
    }
}
