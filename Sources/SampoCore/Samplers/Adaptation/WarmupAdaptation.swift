import Foundation

/// Warm-up as Stan does it, driven one transition at a time: dual averaging of the step size
/// towards `target` after every transition and, for Hamiltonian kernels with a metric, the
/// windowed estimate of the inverse metric, after which the step size is re-initialised by
/// Stan's heuristic and dual averaging restarts from it. `finish()` installs the averaged
/// step size for sampling.
public struct WarmupAdaptation {
    public let kernel: any StepSizeAdaptable
    private var dual: DualAveraging
    private var schedule: WindowedAdaptation
    private var estimator: MetricEstimator?
    private let hamiltonian: (any MetricAdaptable)?
    private let rng: RandomStream
    /// Metric updates that failed (a covariance that is not positive definite); the previous
    /// metric was kept.
    public private(set) var failedMetricUpdates = 0
    /// Fisher fits that could not be made (a window too short or singular) and fell back to
    /// Stan's regularised estimate of the same shape.
    public private(set) var fallbacks = 0

    /// Starts the warm-up; a Hamiltonian kernel's first step size comes from Stan's heuristic.
    public init(kernel: any StepSizeAdaptable, warmup: Int, target: Double, metric: MetricKind, rng: RandomStream) {
        self.kernel = kernel
        self.rng = rng
        dual = DualAveraging(initialStepSize: kernel.stepSize, target: target)
        schedule = WindowedAdaptation(warmup: warmup)
        hamiltonian = kernel as? any MetricAdaptable
        if let h = hamiltonian, metric != .unit, schedule.adaptsMetric {
            estimator = MetricEstimator(dimension: h.dimension, kind: metric)
        }
        hamiltonian?.initializeStepSize(noise: rng)
    }

    /// Call after each warm-up transition.
    public mutating func afterTransition() {
        dual.update(acceptance: min(1, max(0, kernel.lastTransition.acceptStatistic)))
        kernel.adapt(stepSize: dual.stepSize)
        guard estimator != nil, let h = hamiltonian else { return }
        if schedule.inWindow { estimator?.add(h.position, gradient: h.gradientAtPosition) }
        if schedule.endsWindow {
            if let fit = estimator?.fit() {
                if fit.fellBack { fallbacks += 1 }
                let m = fit.metric
                do { try h.adapt(inverseMetric: m) } catch { failedMetricUpdates += 1 }
            }
            estimator?.restart()
            h.initializeStepSize(noise: rng)
            dual.restart(at: h.stepSize)
        }
        schedule.advance()
    }

    /// Ends the warm-up: the kernel keeps the averaged step size. Returns it.
    @discardableResult
    public func finish() -> Double {
        let h = dual.iteration > 0 ? dual.finalStepSize : kernel.stepSize
        if h.isFinite && h > 0 { kernel.adapt(stepSize: h) }
        return kernel.stepSize
    }
}
