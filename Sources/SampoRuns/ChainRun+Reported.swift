import SampoCore
import SampoDiagnostics

extension Draws {
    /// The draws in the target's reported coordinates (``/SampoCore/ReportedCoordinates``): each chain (or
    /// population run) mapped on its own with its own stream of `seed`, chains in parallel; the
    /// result does not depend on the number of jobs.
    public func reported(by target: any ReportedCoordinates, seed: UInt64) throws(SampoError) -> Draws {
        let width = target.reportedNames.count, d = dimension
        var mapped = Draws(chains: chains, capacity: capacity, dimension: width)
        mapped.recorded = recorded
        let source = self, storage = mapped.storage
        let failures = Parallel.map(count: chains) { c -> SampoError? in
            let n = source.recorded[c]
            guard n > 0 else { return nil }
            do throws(SampoError) {
                try target.report(points: source.storage.base + c * source.capacity * d, count: n, chain: c, seed: seed,
                                  into: storage.base + c * source.capacity * width)
            } catch { return error }
            return nil
        }
        if let first = failures.compactMap({ $0 }).first { throw first }
        return mapped
    }
}

extension ChainRun {
    /// The run with its draws in the target's reported coordinates (`Draws.reported(by:seed:)`),
    /// and its running moments, if it kept them, of the reported values.
    public func reported(by target: any ReportedCoordinates) throws(SampoError) -> ChainRun {
        var run = self
        run.draws = try draws.reported(by: target, seed: settings.seed)
        let width = run.draws.dimension
        // Running moments (--moments) of the reported values, merged in chain order as a run merges them.
        if let probabilities = settings.momentProbabilities {
            var merged: RunningMoments?
            for c in 0..<draws.chains where outcomes[c].divergedAt == nil {
                var m = RunningMoments(dimension: width, probabilities: probabilities)
                run.draws.forEachBlock(chain: c) { block in
                    for row in stride(from: 0, to: block.count, by: width) { m.add(block.baseAddress! + row) }
                }
                if merged == nil { merged = m } else { merged?.merge(m) }
            }
            run.moments = merged
        }
        return run
    }
}
