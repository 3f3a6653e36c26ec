/// Stan's warm-up schedule for the metric: an initial fast interval (75 iterations), slow
/// windows that double in length from 25 (the last stretched to end where the terminal fast
/// interval of 50 begins), all scaled to 15% / 75% / 10% of warm-ups shorter than 150. Below 20
/// warm-up iterations the metric is not adapted (only the step size).
public struct WindowedAdaptation: Sendable, Equatable {
    public let warmup: Int
    public internal(set) var initBuffer = 75, termBuffer = 50, baseWindow = 25
    /// Whether the metric is adapted at all (warm-up ≥ 20).
    public let adaptsMetric: Bool
    /// Warm-up iterations seen.
    public internal(set) var counter = 0
    var windowSize: Int, nextWindowEnd: Int

    public init(warmup: Int) {
        self.warmup = warmup
        adaptsMetric = warmup >= 20
        if adaptsMetric && initBuffer + baseWindow + termBuffer > warmup {
            initBuffer = Int(0.15 * Double(warmup))
            termBuffer = Int(0.1 * Double(warmup))
            baseWindow = warmup - (initBuffer + termBuffer)
        }
        windowSize = baseWindow
        nextWindowEnd = initBuffer + windowSize - 1
    }

    /// Whether the current iteration's draw belongs to a slow window.
    public var inWindow: Bool {
        adaptsMetric && counter >= initBuffer && counter < warmup - termBuffer && counter != warmup
    }

    /// Whether the current iteration ends a slow window (the metric is then updated).
    public var endsWindow: Bool { adaptsMetric && counter == nextWindowEnd && counter != warmup }

    /// Moves to the next iteration; at a window's end, first plans the next window.
    public mutating func advance() {
        if endsWindow { planNextWindow() }
        counter += 1
    }

    /// The slow windows' last iterations (0-based), for tests and reports.
    public var windowEnds: [Int] {
        var s = WindowedAdaptation(warmup: warmup), ends: [Int] = []
        while s.counter < warmup {
            if s.endsWindow { ends.append(s.counter) }
            s.advance()
        }
        return ends
    }

    private mutating func planNextWindow() {
        let lastEnd = warmup - termBuffer - 1
        if nextWindowEnd == lastEnd { return }
        windowSize *= 2
        nextWindowEnd = counter + windowSize
        if nextWindowEnd != lastEnd && nextWindowEnd + 2 * windowSize >= warmup - termBuffer {
            nextWindowEnd = lastEnd
        }
    }
}
