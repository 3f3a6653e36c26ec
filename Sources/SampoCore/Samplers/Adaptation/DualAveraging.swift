import Foundation

/// Step-size adaptation by dual averaging (Nesterov 2009; Hoffman & Gelman 2014, with Stan's
/// constants γ = 0.05, t₀ = 10, κ = 0.75 and μ = log(10 h₀)): after each observed acceptance
/// statistic a, H̄ ← (1 − 1/(t + t₀)) H̄ + (δ − a)/(t + t₀), log h = μ − √t/γ · H̄, and the
/// averaged log h̄ ← t^{−κ} log h + (1 − t^{−κ}) log h̄. `stepSize` is the h to use next,
/// `finalStepSize` the averaged h̄ to keep after adaptation.
public struct DualAveraging: Sendable {
    public let target: Double
    public let gamma: Double, t0: Double, kappa: Double
    public internal(set) var mu: Double
    public internal(set) var iteration = 0
    var hBar = 0.0, logStep: Double, logStepBar = 0.0

    /// `target` is the acceptance rate aimed for (δ); `initialStepSize` must be positive.
    public init(initialStepSize: Double, target: Double, gamma: Double = 0.05, t0: Double = 10, kappa: Double = 0.75) {
        self.target = target; self.gamma = gamma; self.t0 = t0; self.kappa = kappa
        mu = log(10 * initialStepSize)
        logStep = log(initialStepSize)
    }

    /// Starts again from `stepSize` (Stan restarts after each metric update).
    public mutating func restart(at stepSize: Double) {
        mu = log(10 * stepSize); logStep = log(stepSize)
        iteration = 0; hBar = 0; logStepBar = 0
    }

    /// Records one acceptance statistic in [0, 1] and moves the step size.
    public mutating func update(acceptance a: Double) {
        iteration += 1
        let t = Double(iteration)
        hBar = (1 - 1 / (t + t0)) * hBar + (target - a) / (t + t0)
        logStep = mu - t.squareRoot() / gamma * hBar
        let eta = pow(t, -kappa)
        logStepBar = eta * logStep + (1 - eta) * logStepBar
    }

    /// The step size to use for the next iteration.
    public var stepSize: Double { exp(logStep) }
    /// The averaged step size to keep once adaptation ends.
    public var finalStepSize: Double { exp(logStepBar) }
}
