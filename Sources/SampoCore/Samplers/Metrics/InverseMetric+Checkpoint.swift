/// A metric in a checkpoint: its kind and values (a kernel re-installs it, which rebuilds what it
/// derives from it: square roots, Cholesky factors).
extension InverseMetric {
    public func write(to w: inout CheckpointWriter) {
        switch self {
        case .unit: w.write(0)
        case .diagonal(let v): w.write(1); w.write(v)
        case .dense(let m): w.write(2); w.write(m)
        case .lowRank(let l): w.write(3); w.write(l.scales); w.write(l.eigenvalues); w.write(l.vectors)
        }
    }

    public static func read(from r: inout CheckpointReader) throws(SampoError) -> InverseMetric {
        switch try r.readInt() {
        case 0: return .unit
        case 1: return .diagonal(try r.readDoubles())
        case 2: return .dense(try r.readDoubles())
        case 3: return .lowRank(try LowRankMetric(scales: try r.readDoubles(), eigenvalues: try r.readDoubles(), vectors: try r.readDoubles()))
        case let k: throw .runtime("checkpoint: a metric of kind \(k), expected 0–3")
        }
    }
}
