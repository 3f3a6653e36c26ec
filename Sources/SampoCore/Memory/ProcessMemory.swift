import Foundation

/// The process's own memory, for run reports: what a run at image scale actually held.
public enum ProcessMemory {
    /// The peak resident set size so far, in bytes (getrusage; Linux reports kilobytes).
    public static var peakResidentBytes: Int {
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss) * 1024
    }

    /// The peak in megabytes (10⁶ bytes), one decimal.
    public static var peakMegabytes: Double { (Double(peakResidentBytes) / 1e5).rounded() / 10 }
}
