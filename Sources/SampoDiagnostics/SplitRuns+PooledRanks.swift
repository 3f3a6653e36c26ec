import SampoCore

extension SplitRuns {
    /// Merges the sorted runs (`runs` × `length` keys, run r at r·length) with the sorted `extra`
    /// keys, writing each run key's pooled average rank (1-based, ties share the mean of their
    /// ranks; `extra` keys are not ranked) at the same place in `ranks`. Returns the values at the
    /// `wanted` positions of the merged order (extra keys included).
    ///
    /// A tree of losers picks the next key in log₂(sources) branch-free matches (the order of the
    /// runs' heads is random, so a branch would mispredict on nearly every key). Equal keys form a
    /// group, one contiguous span per run: the spans get the group's average rank when it closes.
    static func mergeRanks(keys: ScratchBuffer<UInt64>, runs: Int, length h: Int, extra: [UInt64],
                           ranks: ScratchBuffer<Double>, wanted: Set<Int>) -> [Int: Double] {
        let sources = runs + (extra.isEmpty ? 0 : 1)
        var leaves = 1
        while leaves < sources { leaves *= 2 }
        let extraKeys = UnsafeMutablePointer<UInt64>.allocate(capacity: max(extra.count, 1))
        extra.withUnsafeBufferPointer { if let b = $0.baseAddress { extraKeys.update(from: b, count: extra.count) } }
        // Per source (padding sources are empty): its keys, length, next position and head key
        // (UInt64.max once exhausted, above the key of every finite value).
        let start = UnsafeMutablePointer<UnsafeMutablePointer<UInt64>>.allocate(capacity: leaves)
        let length = UnsafeMutablePointer<Int>.allocate(capacity: leaves)
        let pos = UnsafeMutablePointer<Int>.allocate(capacity: leaves)
        let head = UnsafeMutablePointer<UInt64>.allocate(capacity: leaves)
        let released = UnsafeMutablePointer<Int>.allocate(capacity: leaves)
        let groupStart = UnsafeMutablePointer<Int>.allocate(capacity: leaves)
        let touched = UnsafeMutablePointer<Int>.allocate(capacity: leaves)
        let loser = UnsafeMutablePointer<Int>.allocate(capacity: leaves)
        defer {
            extraKeys.deallocate(); start.deallocate(); length.deallocate(); pos.deallocate(); head.deallocate()
            released.deallocate(); groupStart.deallocate(); touched.deallocate(); loser.deallocate()
        }
        for s in 0..<leaves {
            start[s] = s < runs ? keys.base + s * h : extraKeys
            length[s] = s < runs ? h : (s == runs ? extra.count : 0)
            pos[s] = 0; released[s] = 0; groupStart[s] = -1
            head[s] = length[s] > 0 ? start[s][0] : .max
        }
        // Build: winners bottom-up, the loser of each match kept at its node.
        var winnerOf = [Int](repeating: 0, count: 2 * leaves)
        for s in 0..<leaves { winnerOf[leaves + s] = s }
        for node in stride(from: leaves - 1, through: 1, by: -1) {
            let a = winnerOf[2 * node], b = winnerOf[2 * node + 1]
            if head[b] < head[a] { winnerOf[node] = b; loser[node] = a } else { winnerOf[node] = a; loser[node] = b }
        }
        var winner = winnerOf[1]  // source 0 when it is the only one (its leaf is node 1)

        let rankBase = ranks.base
        let targets = wanted.sorted() + [Int.max]
        var nextTarget = 0, nextWanted = targets[0]
        var found: [Int: Double] = [:]
        let total = runs * h + extra.count
        let releaseEvery = 1 << 20
        var merged = 0, ranked = 0, groupSize = 0, touchedCount = 0
        var groupKey = UInt64.max
        while merged <= total {
            let s = winner, k = merged < total ? head[s] : .max
            if k != groupKey {
                // The group of equal keys just closed: its spans get their average rank.
                let average = Double(ranked) + Double(groupSize + 1) / 2
                // Index loops, not ranges: they run once per draw, and range iterators are calls in
                // a debug build (`swift test`).
                var t = 0
                while t < touchedCount {
                    let r = touched[t], out = rankBase + r * h
                    var j = groupStart[r]
                    while j < pos[r] { out[j] = average; j += 1 }
                    groupStart[r] = -1
                    t += 1
                }
                ranked += groupSize; groupSize = 0; touchedCount = 0
                groupKey = k
            }
            if merged == total { break }
            if s < runs {
                if groupStart[s] < 0 { groupStart[s] = pos[s]; touched[touchedCount] = s; touchedCount += 1 }
                groupSize += 1
            }
            while nextWanted == merged { found[merged] = RadixSort.value(k); nextTarget += 1; nextWanted = targets[nextTarget] }
            merged += 1
            let p = pos[s] + 1
            pos[s] = p
            head[s] = p < length[s] ? start[s][p] : .max
            if s < runs && (p - released[s] >= releaseEvery || p == h) {
                // Keys already read and ranks already written (an open group's span is written later).
                let upTo = groupStart[s] >= 0 ? groupStart[s] : p
                if upTo > released[s] {
                    keys.release(offset: s * h + released[s], count: upTo - released[s])
                    ranks.release(offset: s * h + released[s], count: upTo - released[s])
                    released[s] = upTo
                }
            }
            // Replay the matches on the path from the leaf to the root, without branches (equal
            // heads may meet in any order: a group of equal keys is ranked whatever its order).
            var w = s, node = (leaves + s) >> 1
            while node >= 1 {
                let l = loser[node]
                let swap = head[l] < head[w]
                loser[node] = swap ? w : l
                w = swap ? l : w
                node >>= 1
            }
            winner = w
        }
        for s in 0..<runs where released[s] < h {
            keys.release(offset: s * h + released[s], count: h - released[s])
            ranks.release(offset: s * h + released[s], count: h - released[s])
        }
        return found
    }
}
