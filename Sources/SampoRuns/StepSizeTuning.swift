import SampoCore
import SampoDiagnostics
import Foundation

/// Step-size tuning for comparisons (`ComparisonGrid.tune`), run on one pilot chain before the real chains.
/// Metropolis-adjusted samplers: `DualAveraging` of log h towards the registry's acceptance target
/// (0.574 for MALA-type, 0.234 for RWM), updated after every block of 10 iterations. Unadjusted samplers: a pilot grid h₀·{1/4, 1/2, 1, 2, 4},
/// keeping the step whose pilot draws have the smallest kernel Stein discrepancy (needs no exact draws).
public enum StepSizeTuning {
    /// The tuned step size and the oracle calls the tuning spent.
    public struct Outcome: Sendable {
        public let stepSize: Double
        public let counts: OracleCounts
    }

    public static func tune(sampler: SamplerInfo, target: NamedTarget, parameters: SamplerParameters, start: Double,
                            iterations: Int, seed: UInt64) throws(SampoError) -> Outcome {
        try sampler.validate(stepSize: start)
        let makeKernel: (Double) -> (any MarkovKernel)? = { h in
            // `start` and the parameters were checked; a tuned step stays positive and finite
            // (dual averaging moves log h), else the tuning stops at the last good kernel.
            (try? sampler.makeKernel(target: target.density, stepSize: h, parameters: parameters))
                ?? (try? sampler.makeKernel(target: target.density, stepSize: start, parameters: parameters))
        }
        let outcome = sampler.acceptanceTarget.map { dualAveraging(makeKernel, target, $0, start, iterations, seed) }
            ?? steinGrid(makeKernel, target, start, iterations, seed)
        return Outcome(stepSize: outcome.stepSize,
                       counts: outcome.counts.charged(gradientCallsAt: target.density.costOfGradientCall))
    }

    static func dualAveraging(_ makeKernel: (Double) -> (any MarkovKernel)?, _ target: NamedTarget, _ delta: Double,
                              _ h0: Double, _ iterations: Int, _ seed: UInt64) -> Outcome {
        let rng = RandomStream(seed: seed, stream: 0x7E57)
        var position = (0..<target.dimension).map { _ in rng.normal() }
        var adaptation = DualAveraging(initialStepSize: h0, target: delta)
        var counts = OracleCounts()
        let block = 10
        for _ in 1...max(1, iterations / block) {
            guard let kernel = makeKernel(adaptation.stepSize) else { break }
            _ = try? kernel.reset(to: position)
            var accepted = 0
            for _ in 0..<block where kernel.step(rng: rng) { accepted += 1 }
            counts = counts + kernel.counts
            if kernel.positionIsFinite { position = kernel.currentPosition }
            adaptation.update(acceptance: Double(accepted) / Double(block))
        }
        return Outcome(stepSize: adaptation.finalStepSize, counts: counts)
    }

    static func steinGrid(_ makeKernel: (Double) -> (any MarkovKernel)?, _ target: NamedTarget, _ h0: Double,
                          _ iterations: Int, _ seed: UInt64) -> Outcome {
        var best = h0, bestKSD = Double.infinity
        var counts = OracleCounts()
        let per = max(50, iterations / 5)
        for factor in [0.25, 0.5, 1, 2, 4] {
            let h = h0 * factor
            let rng = RandomStream(seed: seed, stream: 0x7E57)
            guard let kernel = makeKernel(h) else { continue }
            _ = try? kernel.reset(to: (0..<target.dimension).map { _ in rng.normal() })
            var points: [[Double]] = []
            var finite = true
            for i in 0..<per {
                _ = kernel.step(rng: rng)
                guard kernel.positionIsFinite else { finite = false; break }
                if i >= per / 2 { points.append(kernel.currentPosition) }
            }
            counts.gradientEvaluations += kernel.counts.gradientEvaluations
            counts.densityEvaluations += kernel.counts.densityEvaluations
            guard finite, !points.isEmpty else { continue }
            let small = Distances.evenlyThinned(points, cap: 300)
            let scores = small.map { target.density.logDensityAndGradient($0).1 }
            guard scores.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { continue }
            let k = Distances.kernelSteinDiscrepancy(points: small, scores: scores)
            if k < bestKSD { bestKSD = k; best = h }
        }
        return Outcome(stepSize: best, counts: counts)
    }
}
