import Foundation

/// log Π_k mean_t w_{k,t} from K series of log-weights log w_{k,t} recorded together (stepping
/// stones: one series per pair of temperatures), with a batch-means standard error. Records go into
/// at most `maxBatches` batches of equal length; when they are all full, neighbours merge and the
/// length doubles, so memory stays fixed and nothing is allocated per record.
struct BatchedLogMeans {
    let components: Int
    static let maxBatches = 64
    /// Fewer complete batches than this give no standard error.
    static let minBatches = 16
    /// Batch b's log Σ w of component k at [b * components + k].
    private var logSums: [Double]
    private var batchLength = 1
    private var complete = 0
    private var inCurrent = 0

    init(components: Int) {
        self.components = components
        logSums = Array(repeating: -.infinity, count: Self.maxBatches * components)
    }

    /// Adds component k's log-weight to the record being written.
    mutating func add(_ k: Int, logWeight: Double) {
        let i = complete * components + k
        logSums[i] = logAddExp(logSums[i], logWeight.isNaN ? -.infinity : logWeight)
    }

    /// Closes the record whose weights were just added.
    mutating func endRecord() {
        inCurrent += 1
        guard inCurrent == batchLength else { return }
        inCurrent = 0
        complete += 1
        guard complete == Self.maxBatches else { return }
        let half = Self.maxBatches / 2
        for b in 0..<half {
            for k in 0..<components {
                logSums[b * components + k] = logAddExp(logSums[2 * b * components + k], logSums[(2 * b + 1) * components + k])
            }
        }
        for i in (half * components)..<logSums.count { logSums[i] = -.infinity }
        complete = half
        batchLength *= 2
    }

    mutating func reset() {
        for i in logSums.indices { logSums[i] = -.infinity }
        batchLength = 1; complete = 0; inCurrent = 0
    }

    /// Records so far.
    var count: Int { complete * batchLength + inCurrent }

    /// Standard error of Σ_k log mean_t w_{k,t} by batch means over the complete batches: with
    /// r_{b,k} the batch mean over the overall mean, Var ≈ Var_b(Σ_k r_{b,k}) / B (the delta method;
    /// summing over k first keeps the correlation between components). nil with fewer than
    /// `minBatches` complete batches or a component with no weight.
    var standardError: Double? {
        let b = complete
        guard b >= Self.minBatches else { return nil }
        var y = [Double](repeating: 0, count: b)
        for k in 0..<components {
            var total = -Double.infinity
            for j in 0..<b { total = logAddExp(total, logSums[j * components + k]) }
            guard total.isFinite else { return nil }
            let logMean = total - log(Double(b))
            for j in 0..<b { y[j] += exp(logSums[j * components + k] - logMean) }
        }
        let mean = y.reduce(0, +) / Double(b)
        let variance = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(b - 1)
        return (variance / Double(b)).squareRoot()
    }
}

/// The batches in a checkpoint.
extension BatchedLogMeans {
    func write(to w: inout CheckpointWriter) { w.write(logSums); w.write([batchLength, complete, inCurrent]) }
    mutating func read(from r: inout CheckpointReader) throws(SampoError) {
        let sums = try r.readDoubles(), v = try r.readInts()
        guard sums.count == logSums.count, v.count == 3 else { throw .runtime("checkpoint: batch means of another size") }
        logSums = sums; batchLength = v[0]; complete = v[1]; inCurrent = v[2]
    }
}
