/// Sorting doubles in O(n) with an LSD radix sort on order-preserving 64-bit keys: the
/// diagnostics sort millions of draws several times per parameter, where a comparison sort
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

    private static let digitBits = 16
    private static let buckets = 1 << digitBits
    /// Below this many keys a comparison sort on the same keys is faster than clearing and summing
    /// four 65 536-bucket histograms (a 65 536-pixel image has that many short series to sort).
    public static let comparisonSortBelow = 1 << 14

    /// The values in ascending order.
    public static func sorted(_ values: [Double]) -> [Double] {
        var keys = values.map(key)
        var none: [Int32] = []
        sort(&keys, payload: &none, carry: false)
        return keys.map(value)
    }

    /// Indices that put `values` in ascending order (stable).
    public static func order(_ values: [Double]) -> [Int] {
        var keys = values.map(key)
        var idx = (0..<Int32(truncatingIfNeeded: values.count)).map { $0 }
        if values.count > Int(Int32.max) { return values.indices.sorted { values[$0] < values[$1] } }
        sort(&keys, payload: &idx, carry: true)
        return idx.map(Int.init)
    }

    /// Sorts `keys` in place (stable), applying the same permutation to `payload`.
    static func sort(_ keys: inout [UInt64], carrying payload: inout [Int32]) {
        sort(&keys, payload: &payload, carry: true)
    }

    private static func sort(_ keys: inout [UInt64], payload: inout [Int32], carry: Bool) {
        let n = keys.count
        guard n > 1 else { return }
        if n < comparisonSortBelow {
            // Ties broken by position, so the order is the stable one the radix passes give.
            if carry {
                var pairs = (0..<n).map { (keys[$0], payload[$0]) }
                pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
                for i in 0..<n { keys[i] = pairs[i].0; payload[i] = pairs[i].1 }
            } else {
                keys.sort()
            }
            return
        }
        let passes = (64 + digitBits - 1) / digitBits
        let mask = UInt64(buckets - 1)
        // All digit histograms in one sweep over the keys.
        var counts = [Int](repeating: 0, count: passes * buckets)
        keys.withUnsafeBufferPointer { k in
            counts.withUnsafeMutableBufferPointer { c in
                for i in 0..<n {
                    var key = k[i]
                    for p in 0..<passes {
                        c[p * buckets + Int(key & mask)] += 1
                        key >>= UInt64(digitBits)
                    }
                }
            }
        }
        var keyBuffer = [UInt64](repeating: 0, count: n)
        var payloadBuffer = carry ? [Int32](repeating: 0, count: n) : []
        for p in 0..<passes {
            let shift = UInt64(p * digitBits)
            // Skip a pass in which every key has the same digit.
            if counts[(p * buckets)..<((p + 1) * buckets)].contains(n) { continue }
            var offsets = [Int](repeating: 0, count: buckets)
            var total = 0
            for b in 0..<buckets { offsets[b] = total; total += counts[p * buckets + b] }
            keys.withUnsafeBufferPointer { k in
                keyBuffer.withUnsafeMutableBufferPointer { kb in
                    offsets.withUnsafeMutableBufferPointer { c in
                        if carry {
                            payload.withUnsafeBufferPointer { pl in
                                payloadBuffer.withUnsafeMutableBufferPointer { pb in
                                    for i in 0..<n {
                                        let d = Int((k[i] >> shift) & mask)
                                        let at = c[d]; c[d] = at + 1
                                        kb[at] = k[i]; pb[at] = pl[i]
                                    }
                                }
                            }
                        } else {
                            for i in 0..<n {
                                let d = Int((k[i] >> shift) & mask)
                                let at = c[d]; c[d] = at + 1
                                kb[at] = k[i]
                            }
                        }
                    }
                }
            }
            swap(&keys, &keyBuffer)
            if carry { swap(&payload, &payloadBuffer) }
        }
    }
}
