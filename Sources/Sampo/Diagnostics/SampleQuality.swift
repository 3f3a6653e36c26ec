/// What `sampo sample` reports about a run's draws: errors against the target's known moments
/// (over the chains that did not diverge) and convergence diagnostics.
public struct SampleQuality: Sendable {
    public var meanError: Double?
    public var covarianceError: Double?
    public var minBulkESS: Double?
    public var maxRhat: Double?

    public init(run: ChainRun, target: LoadedTarget) {
        let healthy = run.outcomes.indices.filter { run.outcomes[$0].divergedAt == nil && run.draws.recorded[$0] > 1 }
        guard !healthy.isEmpty else { return }
        let points = run.draws.points(chains: healthy)
        if let m = target.moments.mean {
            let e = SampleMoments.meanError(points, exact: m)
            if e.isFinite { meanError = e }
        }
        if let c = target.moments.covariance {
            let e = SampleMoments.covarianceError(points, exact: c)
            if e.isFinite { covarianceError = e }
        }
        if let rows = try? DrawsSummary.summarize(run.draws, chains: healthy) {
            minBulkESS = rows.compactMap(\.essBulk).min()
            maxRhat = rows.compactMap(\.rhat).max()
        }
    }
}
