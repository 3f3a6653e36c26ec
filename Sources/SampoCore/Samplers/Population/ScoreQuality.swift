import Foundation

/// The importance-sampling ESS (Σw)²/Σw² of rdMC's score estimates at one outer step, over particles.
public struct ScoreQuality: Sendable, Codable, Equatable {
    /// Diffusion time s of the step.
    public var time: Double
    public var minimum: Double
    public var median: Double
    /// Inner samples per estimate (the ESS's upper bound).
    public var samples: Int

    init?(time: Double, ess: [Double], samples: Int) {
        guard !ess.isEmpty else { return nil }
        let sorted = ess.sorted()
        self.time = time; minimum = sorted[0]; median = sorted[sorted.count / 2]; self.samples = samples
    }
}

extension ScoreQuality {
    /// Below this median ESS a score estimate rests on a handful of weighted samples: its noise
    /// inflates the output's spread (a 6-D Gaussian came out with 2.5× its variance at ESS ≈ 1).
    public static let warningThreshold = 10.0

    /// A warning naming the worst step when the median ESS falls below the threshold at any step.
    public static func warning(_ steps: [ScoreQuality], adaptive: Bool) -> String? {
        guard let worst = steps.min(by: { $0.median < $1.median }), worst.median < warningThreshold else { return nil }
        let low = steps.filter { $0.median < warningThreshold }.count
        return "score estimates rest on few weighted samples: median importance ESS "
            + String(format: "%.1f", worst.median) + " of \(worst.samples) at s = " + String(format: "%.3g", worst.time)
            + " (below \(Int(warningThreshold)) at \(low) of \(steps.count) steps); the output's spread is likely inflated —"
            + (adaptive ? " raise inner_samples" : " use proposal = adaptive or raise inner_samples")
    }
}

extension ScoreQuality {
    /// As recorded (a checkpoint's copy).
    init(time: Double, minimum: Double, median: Double, samples: Int) {
        self.time = time; self.minimum = minimum; self.median = median; self.samples = samples
    }
}
