import Foundation
import Synchronization

/// Refuses, before allocating, an array of doubles that cannot fit: more than the memory limit
/// (half this machine's physical memory unless set), or a count that overflows. The message
/// gives the size.
public enum MemoryLimit {
    private static let setLimit = Mutex<Int?>(nil)

    /// Bytes a single request may take: the limit set (`set(bytes:)`), else half the physical memory.
    public static var bytes: Int {
        setLimit.withLock { $0 } ?? Int(min(ProcessInfo.processInfo.physicalMemory / 2, UInt64(Int.max)))
    }

    /// Sets the limit (nil: back to half the physical memory).
    public static func set(bytes: Int?) { setLimit.withLock { $0 = bytes.map { max($0, 0) } } }

    /// Reads a size such as `512M`, `8G`, `1.5T` or a number of bytes (K, M, G, T are powers of 1024).
    public static func parse(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [Character: Double] = ["K": 0x1p10, "M": 0x1p20, "G": 0x1p30, "T": 0x1p40]
        var number = Substring(t), factor = 1.0
        if let last = t.last, let u = units[last] { number = t.dropLast(); factor = u }
        else if t.hasSuffix("B"), let u = units[t.dropLast().last ?? " "] { number = t.dropLast(2); factor = u }
        guard let v = Double(number), v.isFinite, v > 0, v * factor < 0x1p62 else { return nil }
        return Int(v * factor)
    }

    /// Checks `factors` multiplied together (a count of doubles) against the limit.
    public static func check(doubles factors: [Int], for setting: SampoError.Setting, what: String) throws(SampoError) {
        var count = 1
        for f in factors {
            let (product, overflow) = count.multipliedReportingOverflow(by: max(f, 0))
            guard !overflow else { throw .invalid(setting, "\(what): too many values to count, let alone hold") }
            count = product
        }
        let limit = bytes
        let (bytesNeeded, overflow) = count.multipliedReportingOverflow(by: 8)
        guard !overflow, bytesNeeded <= limit else {
            let gb = Double(count) * 8 / 1e9
            let which = setLimit.withLock { $0 } == nil ? "half this machine's memory" : "the memory limit set"
            throw .invalid(setting, "\(what) need \(String(format: "%.3g", gb)) GB; at most \(String(format: "%.3g", Double(limit) / 1e9)) GB (\(which)) is allowed")
        }
    }
}
