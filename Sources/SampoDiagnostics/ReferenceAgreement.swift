import Foundation
import SampoCore

/// Draws against gold-standard reference draws (posteriordb's), parameter by parameter: the means'
/// difference over √(MCSE² + reference MCSE²) (each MCSE from its own draws' ESS) and the ratio of
/// the sds. Flags |z| > 4 and sd ratios outside [0.9, 1.1].
public struct ReferenceAgreement: Sendable {
    public struct Row: Sendable, Equatable {
        public let parameter: String
        public let mean: Double, referenceMean: Double
        public let sd: Double?, referenceSD: Double?
        public let zMean: Double?
        public let sdRatio: Double?
        public var flags: [String] {
            var out: [String] = []
            if let z = zMean, abs(z) > ReferenceAgreement.zLimit { out.append("|z| > 4") }
            if let r = sdRatio, abs(r - 1) > ReferenceAgreement.sdTolerance { out.append("sd off by more than 10%") }
            return out
        }
    }

    public static let zLimit = 4.0
    public static let sdTolerance = 0.1
    public let rows: [Row]

    /// `summaries`: the draws' parameters; `reference`: chains of name → draws. Every reference
    /// parameter must be among the summaries (Stan's dotted names `theta.1` match `theta[1]`).
    public init(summaries: [ParameterSummary], reference: [[String: [Double]]]) throws(SampoError) {
        guard let first = reference.first else { throw .usage("the reference has no chains") }
        var byName: [String: ParameterSummary] = [:]
        for s in summaries { byName[s.parameter] = s; byName[StanNames.bracketed(s.parameter)] = s }
        var rows: [Row] = []
        for name in first.keys.sorted(by: Self.naturalOrder) {
            guard let ours = byName[name] else {
                throw .usage("the reference has parameter '\(name)', which the draws lack (they have \(summaries.prefix(12).map(\.parameter).joined(separator: ", "))\(summaries.count > 12 ? ", …" : ""))")
            }
            let chains = reference.compactMap { $0[name] }
            let ref = try ParameterSummary(parameter: name, chains: chains)
            let se = ((ours.mcseMean ?? .nan) * (ours.mcseMean ?? .nan) + (ref.mcseMean ?? .nan) * (ref.mcseMean ?? .nan)).squareRoot()
            let z = se > 0 && se.isFinite ? (ours.mean - ref.mean) / se : nil
            let ratio = (ours.sd != nil && ref.sd != nil && ref.sd! > 0) ? ours.sd! / ref.sd! : nil
            rows.append(Row(parameter: name, mean: ours.mean, referenceMean: ref.mean, sd: ours.sd, referenceSD: ref.sd,
                            zMean: z, sdRatio: ratio))
        }
        self.rows = rows
    }

    /// The largest |z| and the largest |sd ratio − 1| (for comparison grids).
    public var maxAbsZ: Double? { rows.compactMap { $0.zMean.map(abs) }.max() }
    public var maxSDError: Double? { rows.compactMap { $0.sdRatio.map { abs($0 - 1) } }.max() }

    /// A plain-text table, flagged rows marked.
    public var table: String {
        func f(_ x: Double?, _ spec: String) -> String { x.map { String(format: spec, $0) } ?? "—" }
        let width = max(9, rows.map(\.parameter.count).max() ?? 0)
        func padded(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(1, w - s.count)) + s }
        var out = padded("parameter", width) + "      mean  ref_mean        sd    ref_sd    z_mean  sd_ratio\n"
        for r in rows {
            out += padded(r.parameter, width)
            for (x, spec) in [(r.mean as Double?, "%.4g"), (r.referenceMean, "%.4g"), (r.sd, "%.4g"), (r.referenceSD, "%.4g"),
                              (r.zMean, "%.2f"), (r.sdRatio, "%.3f")] {
                out += padded(f(x, spec), 10)
            }
            let flags = r.flags
            out += flags.isEmpty ? "\n" : "  ← " + flags.joined(separator: ", ") + "\n"
        }
        return out
    }

    /// `theta[2]` before `theta[10]`.
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        a.compare(b, options: .numeric) == .orderedAscending
    }
}
