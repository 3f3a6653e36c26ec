/// Reads a ``CheckpointWriter`` record back, in the order it was written. Every read is checked
/// against the bytes left and every section against its tag: a record of another layout is an
/// error naming the section and what was expected, never a crash or a half-loaded state.
public struct CheckpointReader: Sendable {
    private let bytes: [UInt8]
    public private(set) var offset = 0
    /// The section being read (for messages).
    private var current = "start"

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var isAtEnd: Bool { offset == bytes.count }

    private func broken(_ what: String) -> SampoError {
        .runtime("checkpoint: in section '\(current)' at byte \(offset): \(what)")
    }

    public mutating func section(_ name: String) throws(SampoError) {
        let tag = try readString()
        guard tag == "§" + name else { throw broken("expected section '\(name)', found '\(tag.prefix(40))'") }
        current = name
    }

    public mutating func readUInt64() throws(SampoError) -> UInt64 {
        guard bytes.count - offset >= 8 else { throw broken("the record ends early") }
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
        offset += 8
        return v
    }

    public mutating func readInt() throws(SampoError) -> Int { Int(Int64(bitPattern: try readUInt64())) }
    public mutating func readDouble() throws(SampoError) -> Double { Double(bitPattern: try readUInt64()) }

    public mutating func readBool() throws(SampoError) -> Bool {
        guard offset < bytes.count, bytes[offset] <= 1 else { throw broken("expected a boolean") }
        offset += 1
        return bytes[offset - 1] == 1
    }

    /// A count, checked against what is left (each element taking at least `size` bytes).
    private mutating func readCount(size: Int) throws(SampoError) -> Int {
        let n = try readInt()
        guard n >= 0, n <= (bytes.count - offset) / max(size, 1) else { throw broken("a length of \(n) does not fit in the record") }
        return n
    }

    public mutating func readDoubles() throws(SampoError) -> [Double] {
        let n = try readCount(size: 8)
        var out = [Double](repeating: 0, count: n)
        out.withUnsafeMutableBufferPointer { copyDoubles(into: $0) }
        return out
    }

    /// Doubles into a buffer of a known length (a kernel's position, a metric).
    public mutating func readDoubles(into out: UnsafeMutableBufferPointer<Double>) throws(SampoError) {
        let n = try readCount(size: 8)
        guard n == out.count else { throw broken("expected \(out.count) values, found \(n)") }
        copyDoubles(into: out)
    }

    /// Copies `out.count` doubles (already checked to be there), in bulk on little-endian machines.
    private mutating func copyDoubles(into out: UnsafeMutableBufferPointer<Double>) {
        #if _endian(little)
        bytes.withUnsafeBytes { raw in
            UnsafeMutableRawBufferPointer(out).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + 8 * out.count)]))
        }
        offset += 8 * out.count
        #else
        for i in out.indices {
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
            out[i] = Double(bitPattern: v)
            offset += 8
        }
        #endif
    }

    public mutating func readInts() throws(SampoError) -> [Int] {
        let n = try readCount(size: 8)
        var out = [Int](repeating: 0, count: n)
        for i in 0..<n { out[i] = try readInt() }
        return out
    }

    public mutating func readBytes() throws(SampoError) -> [UInt8] {
        let n = try readCount(size: 1)
        defer { offset += n }
        return Array(bytes[offset..<(offset + n)])
    }

    public mutating func readString() throws(SampoError) -> String {
        let b = try readBytes()
        guard let s = String(validating: b, as: UTF8.self) else { throw broken("expected text") }
        return s
    }
}

/// An object whose state a checkpoint holds: it writes its state and reads it back into an object
/// built with the same settings, which then continues exactly as the original would have.
public protocol Checkpointable: AnyObject {
    func writeState(to w: inout CheckpointWriter)
    func readState(from r: inout CheckpointReader) throws(SampoError)
}
