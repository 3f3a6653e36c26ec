import Foundation

/// Warm-up driven one transition at a time: dual averaging of the step size towards `target`
/// after every transition and, for Hamiltonian kernels with a metric, the inverse metric fitted
/// on one of two schedules —
/// - `stan`: Stan's windows (`WindowedAdaptation`); at each window's end the metric is fitted, the
///   step size re-initialised by Stan's heuristic and dual averaging restarted from it;
/// - `nutpie`: nuts-rs's (`NutpieSchedule`): the metric refitted after every draw from a window
///   that switches to its background part (every `refitEvery` draws and at each switch), Fisher metrics starting from diag(1/|∇log π(x₀)|), the
///   step size re-initialised after the first fit only, and dual averaging restarted once more
///   where the final step-size-only window begins (so that the kept step size is averaged over
///   the final metric alone).
/// `finish()` installs the averaged step size for sampling.
public struct WarmupAdaptation {
    public let kernel: any StepSizeAdaptable
    var dual: DualAveraging
    var stanWindows: WindowedAdaptation
    var nutpie: NutpieSchedule?
    var estimator: MetricEstimator?
    private let hamiltonian: (any MetricAdaptable)?
    private let rng: RandomStream
    var fitted = false
    private let refitEvery: Int
    var sinceRefit = 0
    /// The position before the last transition (nutpie's schedule keeps only draws that moved).
    var previous: [Double] = []
    /// Metric updates that failed (a covariance that is not positive definite); the previous
    /// metric was kept.
    public internal(set) var failedMetricUpdates = 0
    /// Fisher fits that could not be made (a window too short or singular) and fell back to a
    /// diagonal estimate; counted once per window for nutpie's per-draw refits.
    public internal(set) var fallbacks = 0
    var fellBackInWindow = false

    /// Starts the warm-up; a Hamiltonian kernel's first step size comes from Stan's heuristic.
    public init(kernel: any StepSizeAdaptable, warmup: Int, target: Double, metric: MetricKind, rng: RandomStream,
                schedule: AdaptationSchedule = .stan, lowRank: MetricEstimator.LowRankOptions = .init(), refitEvery: Int = 1) {
        self.refitEvery = max(refitEvery, 1)
        self.kernel = kernel
        self.rng = rng
        dual = DualAveraging(initialStepSize: kernel.stepSize, target: target)
        stanWindows = WindowedAdaptation(warmup: warmup)
        hamiltonian = kernel as? any MetricAdaptable
        if schedule == .nutpie { nutpie = NutpieSchedule(warmup: warmup) }
        let adaptsMetric = nutpie.map { $0.finalWindowStart > 0 } ?? stanWindows.adaptsMetric
        if let h = hamiltonian, metric != .unit, adaptsMetric {
            let capacity = min(nutpie?.largestWindow ?? MetricEstimator.defaultWindowCapacity, MetricEstimator.defaultWindowCapacity)
            estimator = MetricEstimator(dimension: h.dimension, kind: metric, lowRank: lowRank,
                                        keepingDraws: nutpie != nil, capacity: max(capacity, 3))
            if nutpie != nil, metric.usesGradients { startFromGradient(h) }
            previous = (0..<h.dimension).map { h.position[$0] }
        }
        // As Stan: μ = log(10 h) from the step size given, before the heuristic moves it.
        hamiltonian?.initializeStepSize(noise: rng)
    }

    /// nuts-rs's first Fisher metric: variances 1/|∂ⱼ log π(x₀)| (1 where that is not finite and
    /// positive), clamped to [10⁻²⁰, 10²⁰].
    private mutating func startFromGradient(_ h: any MetricAdaptable) {
        let g = h.gradientAtPosition
        let v = (0..<h.dimension).map { j -> Double in
            let a = 1 / abs(g[j])
            return a.isFinite && a > 0 ? min(max(a, 1e-20), 1e20) : 1
        }
        do { try h.adapt(inverseMetric: .diagonal(v)) } catch { failedMetricUpdates += 1 }
    }

    /// Call after each warm-up transition.
    public mutating func afterTransition() {
        dual.update(acceptance: min(1, max(0, kernel.lastTransition.acceptStatistic)))
        kernel.adapt(stepSize: dual.stepSize)
        if nutpie != nil { nutpieStep() } else { stanStep() }
    }

    private mutating func stanStep() {
        guard estimator != nil, let h = hamiltonian else { return }
        if stanWindows.inWindow { estimator?.add(h.position, gradient: h.gradientAtPosition) }
        if stanWindows.endsWindow {
            if let fit = estimator?.fit() {
                if fit.fellBack { fallbacks += 1 }
                install(fit.metric, in: h)
            }
            estimator?.restart()
            h.initializeStepSize(noise: rng)
            dual.restart(at: h.stepSize)
        }
        stanWindows.advance()
    }

    private mutating func nutpieStep() {
        guard var schedule = nutpie else { return }
        defer { nutpie = schedule }
        if schedule.startsFinalWindow { dual.restart(at: kernel.stepSize) }
        guard estimator != nil, let h = hamiltonian, schedule.inMetricPhase else { schedule.advance(); return }
        // As nuts-rs: a draw joins the window only if the transition moved the chain and did not
        // diverge (a stuck chain's repeated point would shrink the variances towards 0, and the
        // metric with them). nuts-rs keeps a divergent transition's draw more than 4 leapfrog steps
        // from its start; Sampo does not know that index and leaves all of them out.
        let moved = (0..<h.dimension).contains { h.position[$0] != previous[$0] }
        let joins = moved && !kernel.lastTransition.divergent
        for j in 0..<h.dimension { previous[j] = h.position[j] }
        guard joins else { schedule.advance(joined: false); return }
        estimator?.add(h.position, gradient: h.gradientAtPosition)
        sinceRefit += 1
        var due = sinceRefit >= refitEvery || !fitted
        if schedule.advance() {
            estimator?.keepNewest(schedule.foreground)
            if fellBackInWindow { fallbacks += 1 }
            fellBackInWindow = false
            due = true
        }
        guard due, (estimator?.count ?? 0) >= 3, let fit = estimator?.fit() else { return }
        sinceRefit = 0
        if fit.fellBack { fellBackInWindow = true }
        install(fit.metric, in: h)
        if !fitted {
            fitted = true
            h.initializeStepSize(noise: rng)
            dual.restart(at: h.stepSize)
        }
    }

    private mutating func install(_ m: InverseMetric, in h: any MetricAdaptable) {
        do { try h.adapt(inverseMetric: m) } catch { failedMetricUpdates += 1 }
    }

    /// Ends the warm-up: the kernel keeps the averaged step size. Returns it.
    @discardableResult
    public mutating func finish() -> Double {
        if fellBackInWindow { fallbacks += 1; fellBackInWindow = false }
        let h = dual.iteration > 0 ? dual.finalStepSize : kernel.stepSize
        if h.isFinite && h > 0 { kernel.adapt(stepSize: h) }
        return kernel.stepSize
    }
}
