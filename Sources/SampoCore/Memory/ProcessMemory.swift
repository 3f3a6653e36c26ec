import Foundation

/// The process's own memory, for run reports: what a run at image scale actually held.
public enum ProcessMemory {
    /// The peak resident set size of this program so far, in bytes: Linux's `VmHWM` (the high-water
    /// mark of the process's own address space). Not `getrusage`'s `ru_maxrss`, which also keeps the
    /// peak of the address space the program was started from: a process spawned (vfork + exec) by a
    /// 500 MB parent reports 500 MB there before it has touched a page. `getrusage` only where
    /// `/proc` cannot be read.
    public static var peakResidentBytes: Int {
        if let kilobytes = statusField("VmHWM:") { return kilobytes * 1024 }
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss) * 1024
    }

    /// The peak in megabytes (10⁶ bytes), one decimal.
    public static var peakMegabytes: Double { (Double(peakResidentBytes) / 1e5).rounded() / 10 }

    /// A "Name:  value kB" line of /proc/self/status, in kilobytes.
    static func statusField(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            return line.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) }
        }
        return nil
    }
}
