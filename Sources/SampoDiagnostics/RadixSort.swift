/// Sorting doubles in O(n) by radix passes on order-preserving 64-bit keys (`IndexedKeySorter`):
/// the diagnostics sort millions of draws several times per parameter, where a comparison sort
/// dominates the run time. Inputs must not contain NaN.
public enum RadixSort {
    /// Maps a double to an unsigned key with the same order (−0 sorts just before +0).
    @inline(__always)
    static func key(_ x: Double) -> UInt64 {
        let b = x.bitPattern
        return b & (1 << 63) != 0 ? ~b : b | (1 << 63)
    }

    @inline(__always)
    static func value(_ k: UInt64) -> Double {
        Double(bitPattern: k & (1 << 63) != 0 ? k & ~(1 << 63) : ~k)
    }

    /// The values in ascending order.
    public static func sorted(_ values: [Double]) -> [Double] {
        guard values.count <= Int(Int32.max) else { return values.sorted { key($0) < key($1) } }
        let sorter = sortedKeys(values)
        return (0..<values.count).map { value(sorter.keys[$0]) }
    }

    /// Indices that put `values` in ascending order (stable).
    public static func order(_ values: [Double]) -> [Int] {
        guard values.count <= Int(Int32.max) else { return values.indices.sorted { (key(values[$0]), $0) < (key(values[$1]), $1) } }
        let sorter = sortedKeys(values)
        return (0..<values.count).map { Int(sorter.order[$0]) }
    }

    private static func sortedKeys(_ values: [Double]) -> IndexedKeySorter {
        let sorter = IndexedKeySorter(capacity: values.count)
        for i in values.indices { sorter.keys[i] = key(values[i]) }
        sorter.sort(count: values.count)
        return sorter
    }
}
