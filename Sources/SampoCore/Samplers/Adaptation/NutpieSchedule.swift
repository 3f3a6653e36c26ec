/// nuts-rs's warm-up schedule (nutpie's defaults) for N warm-up draws: every draw before the last
/// 15% joins the metric window and the metric is refitted from the whole window after every draw.
/// The window is a foreground part and a background part (the draws since the last switch); when
/// the background holds `switch` draws — 10 in the first 30% of warm-up ("early"), then 80, as
/// nuts-rs's `adapt_strategy.rs` has it — the foreground is forgotten and the background becomes
/// it, unless fewer than `switch` metric draws remain. The last 15% adapt the step size only.
/// (ALGORITHMS §17 describes late windows growing ×1.5; with them the last window reached back to
/// draw 380 of 1 000, and on lotka_volterra 2 of 3 seeds kept a chain's start-up transient in its
/// low-rank metric — R-hat 1.5, hundreds of divergences — where switching every 80 did not.)
public struct NutpieSchedule: Sendable, Equatable {
    public let warmup: Int
    /// The first draw after the early phase, and the first of the final step-size-only window.
    public let earlyEnd: Int, finalWindowStart: Int
    public static let earlySwitch = 10, lateSwitch = 80
    /// Warm-up draws seen.
    public internal(set) var counter = 0
    /// Draws in the window's foreground and background parts.
    public internal(set) var foreground = 0, background = 0

    public init(warmup: Int) {
        self.warmup = warmup
        earlyEnd = Int(0.3 * Double(warmup))
        finalWindowStart = warmup - Int(0.15 * Double(warmup))
    }

    /// Whether the current draw joins the metric window (and the metric is refitted after it).
    public var inMetricPhase: Bool { counter < finalWindowStart }
    /// Whether the current draw is the first of the step-size-only window.
    public var startsFinalWindow: Bool { counter == finalWindowStart && counter > 0 }

    /// Records the current draw and moves on: true at a switch, when the window keeps only its
    /// newest `foreground` draws. A draw that did not join the window (`joined` false: the chain did
    /// not move, or its transition diverged) does not count towards a switch.
    @discardableResult
    public mutating func advance(joined: Bool = true) -> Bool {
        defer { counter += 1 }
        guard inMetricPhase else { return false }
        guard joined else { return false }
        background += 1
        let early = counter < earlyEnd
        let every = early ? Self.earlySwitch : Self.lateSwitch
        guard background >= every, counter + every <= finalWindowStart else { return false }
        foreground = background
        background = 0
        return true
    }

    /// The draws (0-based) after which a switch happens, for tests and reports.
    public var switches: [Int] {
        var s = NutpieSchedule(warmup: warmup), out: [Int] = []
        while s.counter < warmup {
            let at = s.counter
            if s.advance() { out.append(at) }
        }
        return out
    }

    /// The largest window the schedule builds (foreground plus background).
    public var largestWindow: Int {
        var s = NutpieSchedule(warmup: warmup), most = 0
        while s.counter < warmup {
            s.advance()
            most = max(most, s.foreground + s.background)
        }
        return most
    }
}
