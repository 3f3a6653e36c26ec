import SampoCore
import SampoDiagnostics

extension ChainRun {
    /// The run with its draws in the target's reported coordinates (``ReportedCoordinates``), each
    /// chain mapped on its own with its own stream of the run's seed; chains map in parallel and the
    /// result does not depend on the number of jobs.
    public func reported(by target: any ReportedCoordinates) throws(SampoError) -> ChainRun {
        let width = target.reportedNames.count, d = draws.dimension
        var mapped = Draws(chains: draws.chains, capacity: draws.capacity, dimension: width)
        mapped.recorded = draws.recorded
        let source = draws, storage = mapped.storage, seed = settings.seed
        let failures = Parallel.map(count: draws.chains) { c -> SampoError? in
            let n = source.recorded[c]
            guard n > 0 else { return nil }
            do throws(SampoError) {
                try target.report(points: source.storage.base + c * source.capacity * d, count: n, chain: c, seed: seed,
                                  into: storage.base + c * source.capacity * width)
            } catch { return error }
            return nil
        }
        if let first = failures.compactMap({ $0 }).first { throw first }
        var run = self
        run.draws = mapped
        // Running moments (--moments) of the reported values, merged in chain order as a run merges them.
        if let probabilities = settings.momentProbabilities {
            var merged: RunningMoments?
            for c in 0..<draws.chains where outcomes[c].divergedAt == nil {
                var m = RunningMoments(dimension: width, probabilities: probabilities)
                mapped.forEachBlock(chain: c) { block in
                    for row in stride(from: 0, to: block.count, by: width) { m.add(block.baseAddress! + row) }
                }
                if merged == nil { merged = m } else { merged?.merge(m) }
            }
            run.moments = merged
        }
        return run
    }
}
