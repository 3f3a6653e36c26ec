/// Sorts long series of order-preserving keys (`RadixSort.key`) one after another, carrying each
/// key's time index, in working memory kept between series (a split chain of a 10⁸-draw run has
/// 5·10⁷ keys: fresh buffers would be faulted in and zeroed for every one).
///
/// Most-significant digit first: a range too big for the cache is scattered into buckets by the
/// 12 bits below the range's common prefix (so buckets are spread whatever the values' scale),
/// recursively, and each bucket that fits in the cache is finished by least-significant-digit
/// passes over the bits that still vary in it (8 at a time), or by insertion when tiny. A plain
/// LSD radix sort over the whole series scatters every pass to thousands of places across
/// hundreds of megabytes, missing the cache and TLB on nearly every key. Stable: equal keys keep
/// their time order.
final class IndexedKeySorter {
    let capacity: Int
    /// The keys and their indices: fill `keys[0..<n]`, call `sort(count: n)`, read both back.
    let keys: UnsafeMutablePointer<UInt64>
    let order: UnsafeMutablePointer<Int32>
    private let keyTemp: UnsafeMutablePointer<UInt64>
    private let orderTemp: UnsafeMutablePointer<Int32>
    /// The MSD pass's bucket sizes, then each bucket's next free place.
    private let counts: UnsafeMutablePointer<Int>
    /// One histogram of `lsdBits` digits per pass of a 64-bit key.
    private let histograms: UnsafeMutablePointer<Int>

    /// Ranges up to this many keys (768 KB with their indices and copies) are sorted in cache.
    static let inCacheLimit = 1 << 15
    /// Ranges up to this many keys are sorted by insertion.
    static let insertionLimit = 48
    private static let msdBits = 12
    private static let lsdBits = 8

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        keys = .allocate(capacity: self.capacity)
        order = .allocate(capacity: self.capacity)
        keyTemp = .allocate(capacity: self.capacity)
        orderTemp = .allocate(capacity: self.capacity)
        counts = .allocate(capacity: 1 << Self.msdBits)
        histograms = .allocate(capacity: (64 / Self.lsdBits) * (1 << Self.lsdBits))
    }

    deinit {
        keys.deallocate(); order.deallocate(); keyTemp.deallocate(); orderTemp.deallocate()
        counts.deallocate(); histograms.deallocate()
    }

    /// Sorts `keys[0..<n]` (n ≤ capacity, below 2³¹), with `order[0..<n]` set to the time index of each key.
    func sort(count n: Int) {
        assert(n <= capacity && n <= Int(Int32.max))
        var i = 0
        while i < n { order[i] = Int32(truncatingIfNeeded: i); i += 1 }
        sortRange(0, n)
    }

    private func sortRange(_ lo: Int, _ hi: Int) {
        let n = hi - lo
        guard n > 1 else { return }
        if n <= Self.insertionLimit { insertionSort(lo, hi); return }
        // Index loops with plain comparisons: generic `min`/`max` and range iterators are calls in
        // a debug build (`swift test`), and these loops run over every key.
        var low = UInt64.max, high = UInt64.min
        var i = lo
        while i < hi { let k = keys[i]; if k < low { low = k }; if k > high { high = k }; i += 1 }
        guard low != high else { return }
        // The bits at and below the highest bit in which the range's keys differ.
        let varying = 64 - (low ^ high).leadingZeroBitCount
        if n <= Self.inCacheLimit { leastSignificantFirst(lo, hi, bits: varying); return }
        let shift = UInt64(max(0, varying - Self.msdBits))
        let base = low >> shift
        let buckets = Int((high >> shift) - base) + 1
        for b in 0..<buckets { counts[b] = 0 }
        i = lo
        while i < hi { counts[Int((keys[i] >> shift) - base)] += 1; i += 1 }
        // Where each bucket starts; `counts` becomes each bucket's next free place.
        var starts = [Int](repeating: 0, count: buckets + 1)
        var at = lo
        for b in 0..<buckets { starts[b] = at; let c = counts[b]; counts[b] = at; at += c }
        starts[buckets] = hi
        i = lo
        while i < hi {
            let b = Int((keys[i] >> shift) - base)
            let to = counts[b]
            counts[b] = to + 1
            keyTemp[to] = keys[i]; orderTemp[to] = order[i]
            i += 1
        }
        keys.advanced(by: lo).update(from: keyTemp.advanced(by: lo), count: n)
        order.advanced(by: lo).update(from: orderTemp.advanced(by: lo), count: n)
        for b in 0..<buckets where starts[b + 1] - starts[b] > 1 { sortRange(starts[b], starts[b + 1]) }
    }

    /// LSD passes of `lsdBits` over the low `bits` bits of the range (the higher bits are equal),
    /// all histograms from one sweep, skipping digits every key shares.
    private func leastSignificantFirst(_ lo: Int, _ hi: Int, bits: Int) {
        let n = hi - lo, radix = 1 << Self.lsdBits, mask = UInt64(radix - 1)
        let passes = (bits + Self.lsdBits - 1) / Self.lsdBits
        let h = histograms
        h.initialize(repeating: 0, count: passes * radix)
        var i = lo
        while i < hi {
            var k = keys[i], p = 0
            while p < passes { h[p * radix + Int(k & mask)] += 1; k >>= UInt64(Self.lsdBits); p += 1 }
            i += 1
        }
        var sk = keys + lo, so = order + lo, dk = keyTemp + lo, dor = orderTemp + lo
        for p in 0..<passes {
            let c = h + p * radix
            var shared = false
            for d in 0..<radix where c[d] == n { shared = true }
            if shared { continue }
            var at = 0
            for d in 0..<radix { let k = c[d]; c[d] = at; at += k }
            let shift = UInt64(p * Self.lsdBits)
            var i = 0
            while i < n {
                let k = sk[i], d = Int((k >> shift) & mask)
                let to = c[d]
                c[d] = to + 1
                dk[to] = k; dor[to] = so[i]
                i += 1
            }
            swap(&sk, &dk); swap(&so, &dor)
        }
        if sk != keys + lo {
            (keys + lo).update(from: sk, count: n)
            (order + lo).update(from: so, count: n)
        }
    }

    /// Stable insertion sort of a short range.
    private func insertionSort(_ lo: Int, _ hi: Int) {
        for i in (lo + 1)..<hi {
            let k = keys[i], o = order[i]
            var j = i - 1
            while j >= lo && keys[j] > k {
                keys[j + 1] = keys[j]; order[j + 1] = order[j]
                j -= 1
            }
            keys[j + 1] = k; order[j + 1] = o
        }
    }
}
