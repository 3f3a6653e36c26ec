/// A density whose draws are reported in other coordinates than the sampler's: a Stan model is
/// sampled on the unconstrained space and reports `lp__` and its constrained parameters,
/// transformed parameters and generated quantities. Runs map each kept draw after sampling (the
/// sampling loop is untouched), so summaries, files and plots see the reported names.
public protocol ReportedCoordinates: LogDensity {
    /// The reported values' names, in order.
    var reportedNames: [String] { get }
    /// Writes the reported values of `count` consecutive draws of chain `chain` (rows of
    /// `dimension` values) into `out` (rows of `reportedNames.count`). Any randomness (generated
    /// quantities) comes from the chain's own stream of `seed`, so the result does not depend on
    /// how chains are spread over threads.
    func report(points: UnsafePointer<Double>, count: Int, chain: Int, seed: UInt64,
                into out: UnsafeMutablePointer<Double>) throws(SampoError)
}
