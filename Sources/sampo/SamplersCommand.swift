import ArgumentParser
import Foundation
import Sampo
import SampoCore
import SampoDiagnostics
import SampoFiles
import SampoRuns

struct SamplersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "samplers", abstract: "List samplers and their parameters.")

    func run() throws {
        for s in SamplerCatalog.all {
            say("\(pad(s.name, 14)) \(s.summary)")
            if let h = s.defaultStepSize {
                let cost = s.stepCost(.empty)
                let adapt = s.adaptsByDefault ? "; warm-up adapts h and the metric (--adapt off to keep them)"
                    : s.acceptanceTarget != nil ? "; --adapt on: h adapted to acceptance \(s.acceptanceTarget ?? 0)" : ""
                say("               default --step-size \(h); \(describe(cost)) per step\(adapt)")
                for line in s.notes { say("               " + line) }
            } else {
                say("               population sampler: --chains = independent runs, no --step-size")
            }
            for p in s.parameters {
                say("               --set \(p.name)=\(p.defaultValue.map { "\($0)" } ?? "auto")  (\(p.kindDescription)) \(p.summary)")
            }
        }
    }
}

/// "1 gradient and 1 density evaluation", "varies (up to 1024 gradient evaluations, counted exactly)".
private func describe(_ cost: SamplerInfo.StepCost) -> String {
    func count(_ n: Int, _ what: String) -> String { "\(n) \(what) evaluation\(n == 1 ? "" : "s")" }
    var parts: [String] = []
    if cost.calls.gradientEvaluations > 0 || cost.calls.densityEvaluations == 0 { parts.append(count(cost.calls.gradientEvaluations, "gradient")) }
    if cost.calls.densityEvaluations > 0 { parts.append(count(cost.calls.densityEvaluations, "density")) }
    let calls = parts.joined(separator: " and ")
    if cost.varies { return "varies (up to \(calls), counted exactly)" }
    return calls + (cost.note.map { " (\($0))" } ?? "")
}
