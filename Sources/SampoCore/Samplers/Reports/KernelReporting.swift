/// A kernel with facts about its run worth reporting (parallel tempering's schedule, barrier, log Ẑ).
public protocol KernelReporting: MarkovKernel {
    var report: KernelReport { get }
}

/// What a kernel reports about its run, typed by the kind of kernel; `entries` is its JSON form.
public enum KernelReport: Sendable, Equatable {
    case tempering(TemperingReport)

    /// Parallel tempering's report, if this is one.
    public var tempering: TemperingReport? {
        if case .tempering(let r) = self { return r }
        return nil
    }

    /// Named lists of numbers, for the JSON report.
    public var entries: [String: [Double]] {
        switch self {
        case .tempering(let r): return r.entries
        }
    }
}
