import Foundation

/// Refuses, before allocating, an array of doubles that cannot fit: more than half of this
/// machine's physical memory, or a count that overflows. The message gives the size.
public enum MemoryLimit {
    /// Bytes a single request may take: half the physical memory.
    public static var bytes: Int { Int(min(ProcessInfo.processInfo.physicalMemory / 2, UInt64(Int.max))) }

    /// Checks `factors` multiplied together (a count of doubles) against the limit.
    public static func check(doubles factors: [Int], for setting: SampoError.Setting, what: String) throws(SampoError) {
        var count = 1
        for f in factors {
            let (product, overflow) = count.multipliedReportingOverflow(by: max(f, 0))
            guard !overflow else { throw .invalid(setting, "\(what): too many values to count, let alone hold") }
            count = product
        }
        let (bytesNeeded, overflow) = count.multipliedReportingOverflow(by: 8)
        guard !overflow, bytesNeeded <= bytes else {
            let gb = Double(count) * 8 / 1e9
            throw .invalid(setting, "\(what) need \(String(format: "%.3g", gb)) GB; at most \(String(format: "%.3g", Double(bytes) / 1e9)) GB (half this machine's memory) is allowed")
        }
    }
}
