/// A run's state as a flat little-endian byte record: what a checkpoint holds. Values are read
/// back in the order they were written; each object's part starts with a tag (`section`), so a
/// reader that meets another layout says where instead of loading garbage.
public struct CheckpointWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func section(_ name: String) { write("§" + name) }

    public mutating func write(_ v: UInt64) { for k in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(k)))) } }
    public mutating func write(_ v: Int) { write(UInt64(bitPattern: Int64(v))) }
    public mutating func write(_ v: Double) { write(v.bitPattern) }
    public mutating func write(_ v: Bool) { bytes.append(v ? 1 : 0) }
    public mutating func write(_ v: [Double]) { v.withUnsafeBufferPointer { write($0) } }
    public mutating func write(_ v: [Int]) { write(v.count); for x in v { write(x) } }
    public mutating func write(_ v: String) { write(bytes: Array(v.utf8)) }
    public mutating func write(bytes v: [UInt8]) { write(v.count); bytes += v }
    /// Doubles in bulk (a run's draws may be hundreds of megabytes): their bytes as they are in
    /// memory, which is little-endian on every platform Sampo builds for.
    public mutating func write(_ v: UnsafeBufferPointer<Double>) {
        write(v.count)
        #if _endian(little)
        bytes.append(contentsOf: UnsafeRawBufferPointer(v))
        #else
        for x in v { write(x) }
        #endif
    }
}
