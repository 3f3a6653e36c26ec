import SampoCore
import Foundation

/// Sampo's draws CSV: `#` metadata lines, then `chain,draw,x1,...,xd`, chains and draws numbered
/// from 1, numbers in shortest round-trip form (parsing them back gives the same doubles).
public enum DrawsCSV {
    /// The CSV text (for small draws and tests; files are written by `write`, which streams).
    public static func render(_ draws: Draws, names: [String]? = nil, metadata: [(String, String)] = []) -> String {
        var bytes: [UInt8] = []
        emit(draws, names: names, metadata: metadata) { bytes.append(contentsOf: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Shortest representation that parses back to the same double.
    @inlinable
    public static func format(_ x: Double) -> String { x.description }

    /// Per-draw columns written after the parameters (the sampler statistics): `values` holds
    /// chains × `capacity` × names.count numbers, row by row; `integers` marks the columns that
    /// hold counts or flags (written without a decimal point, as Stan does).
    public struct ExtraColumns: Sendable {
        public var names: [String]
        public var values: [Double]
        public var capacity: Int
        public var integers: Set<Int>
        public init(names: [String], values: [Double], capacity: Int, integers: Set<Int> = []) {
            self.names = names; self.values = values; self.capacity = capacity; self.integers = integers
        }

        /// Stan's sampler columns from a run's statistics.
        public static func samplerStatistics(_ values: [Double], capacity: Int) -> ExtraColumns {
            ExtraColumns(names: TransitionStatistics.columns, values: values, capacity: capacity, integers: [2, 3, 4])
        }
    }

    /// Streams the file: memory stays at a few megabytes whatever the number of draws.
    /// `names`: the header's parameter columns (default x1 … xd).
    public static func write(_ draws: Draws, names: [String]? = nil, to path: String, metadata: [(String, String)] = [],
                             extra: ExtraColumns? = nil) throws(SampoError) {
        let file = try OutputFile(path)
        var failure: SampoError?
        emit(draws, names: names, metadata: metadata, extra: extra) { chunk in
            guard failure == nil else { return }
            do throws(SampoError) { try file.append(chunk) } catch { failure = error }
        }
        if let failure { throw failure }
        try file.commit()
    }

    /// Produces the file in chunks of about 1 MB.
    static func emit(_ draws: Draws, names: [String]?, metadata: [(String, String)], extra: ExtraColumns? = nil,
                     _ sink: ([UInt8]) -> Void) {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20 + 4096)
        for (k, v) in metadata { out.append(contentsOf: "# \(k): \(v)\n".utf8) }
        out.append(contentsOf: "chain,draw".utf8)
        let header = names?.count == draws.dimension ? names! : NamedTarget.defaultNames(draws.dimension)
        for name in header { out.append(contentsOf: ",\(CSVField.escaped(name))".utf8) }
        for name in extra?.names ?? [] { out.append(contentsOf: ",\(CSVField.escaped(name))".utf8) }
        out.append(0x0A)
        let d = draws.dimension
        for c in 0..<draws.chains {
            var i = 0
            draws.forEachBlock(chain: c) { block in
                for row in stride(from: 0, to: block.count, by: d) {
                    i += 1
                    appendInteger(c + 1, to: &out)
                    out.append(0x2C)
                    appendInteger(i, to: &out)
                    for j in 0..<d {
                        out.append(0x2C)
                        out.append(contentsOf: format(block[row + j]).utf8)
                    }
                    if let extra {
                        let width = extra.names.count, base = (c * extra.capacity + i - 1) * width
                        for k in 0..<width where base + k < extra.values.count {
                            out.append(0x2C)
                            let v = extra.values[base + k]
                            if extra.integers.contains(k), abs(v) < 1e15, v.rounded() == v { appendInteger(Int(v), to: &out) }
                            else { out.append(contentsOf: format(v).utf8) }
                        }
                    }
                    out.append(0x0A)
                    if out.count >= 1 << 20 {
                        sink(out)
                        out.removeAll(keepingCapacity: true)
                    }
                }
            }
        }
        sink(out)
    }

    /// Decimal digits of a non-negative integer without building a String.
    static func appendInteger(_ n: Int, to out: inout [UInt8]) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var v = n
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[count] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
                v /= 10
                count += 1
            } while v > 0 && count < 20
            for k in stride(from: count - 1, through: 0, by: -1) { out.append(d[k]) }
        }
    }
}
