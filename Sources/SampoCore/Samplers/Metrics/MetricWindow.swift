/// The most recent draws of a warm-up window and their gradients, in a ring of fixed capacity: the
/// window buffer of the low-rank fit and of nutpie's schedule (which drops a window's oldest part
/// when it switches to the background window). Memory is bounded by the capacity, never the
/// whole warm-up; appending to a full ring forgets the oldest draw.
struct MetricWindow: Sendable {
    let dimension: Int, capacity: Int
    var draws: [Double], gradients: [Double]
    var start = 0
    var count = 0

    init(dimension d: Int, capacity: Int, gradients keepGradients: Bool) {
        dimension = d
        self.capacity = max(capacity, 1)
        draws = [Double](repeating: 0, count: self.capacity * d)
        gradients = keepGradients ? [Double](repeating: 0, count: self.capacity * d) : []
    }

    mutating func append(_ x: UnsafePointer<Double>, gradient: UnsafePointer<Double>?) {
        let d = dimension
        if count == capacity { start = (start + 1) % capacity; count -= 1 }
        let slot = ((start + count) % capacity) * d
        for j in 0..<d { draws[slot + j] = x[j] }
        if !gradients.isEmpty, let gradient { for j in 0..<d { gradients[slot + j] = gradient[j] } }
        count += 1
    }

    mutating func keepNewest(_ n: Int) {
        let k = count - min(max(n, 0), count)
        start = (start + k) % capacity
        count -= k
    }

    mutating func removeAll() { start = 0; count = 0 }

    /// Draw i (0: the oldest kept) and its gradient.
    func draw(_ i: Int) -> ArraySlice<Double> {
        let slot = ((start + i) % capacity) * dimension
        return draws[slot..<(slot + dimension)]
    }

    func gradient(_ i: Int) -> ArraySlice<Double> {
        let slot = ((start + i) % capacity) * dimension
        return gradients[slot..<(slot + dimension)]
    }

    var hasGradients: Bool { !gradients.isEmpty }
}

/// The kept draws and gradients in a checkpoint.
extension MetricWindow {
    func write(to w: inout CheckpointWriter) { w.write(draws); w.write(gradients); w.write(start); w.write(count) }
    mutating func read(from r: inout CheckpointReader) throws(SampoError) {
        let (d, g, s, c) = (try r.readDoubles(), try r.readDoubles(), try r.readInt(), try r.readInt())
        guard d.count == draws.count, g.count == gradients.count, s >= 0, c >= 0, c <= capacity else {
            throw .runtime("checkpoint: a metric window of another size")
        }
        draws = d; gradients = g; start = s; count = c
    }
}
