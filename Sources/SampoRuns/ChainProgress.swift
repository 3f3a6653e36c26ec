import SampoCore

/// Where one chain's loop stands: the iteration, what it has kept, and the sums its outcome is
/// computed from (acceptance, divergent transitions, tree-depth saturations, E-BFMI), with what
/// warm-up adapted once it ended. The kernel, its random stream, warm-up's own state and the
/// running moments are kept by their owners; together they are a chain's checkpoint.
struct ChainProgress: Equatable {
    var iteration = 0
    var accepted = 0
    /// Kept draws so far (may exceed the capacity with an oracle budget; only the first are stored).
    var recorded = 0
    var sinceKept = 0
    var divergedAt: Int?
    /// Warm-up adaptation has ended (its step size and metric are below) or there was none.
    var adaptationFinished = false
    /// A self-tuning kernel (parallel tempering) was told that warm-up begins.
    var tuningBegun = false
    var adaptedStepSize: Double?
    var inverseMetric: InverseMetric?
    var metricFallbacks = 0
    var warmupCounts = OracleCounts()
    var divergentTransitions = 0
    var acceptStatistics = 0.0
    var treeDepthSaturations = 0
    /// E-BFMI's sums: squared successive energy differences, and Welford's for the energy's variance.
    var energyCount = 0, previousEnergy = 0.0, squaredJumps = 0.0, energyMean = 0.0, energySquares = 0.0

    /// Adds a kept transition's energy.
    mutating func addEnergy(_ e: Double) {
        if energyCount > 0 { squaredJumps += (e - previousEnergy) * (e - previousEnergy) }
        energyCount += 1
        let delta = e - energyMean
        energyMean += delta / Double(energyCount)
        energySquares += delta * (e - energyMean)
        previousEnergy = e
    }

    /// mean((Eₙ − Eₙ₋₁)²) / var(E); nil with fewer than three energies or none varying.
    var ebfmi: Double? {
        energyCount >= 3 && energySquares > 0 ? (squaredJumps / Double(energyCount - 1)) / (energySquares / Double(energyCount)) : nil
    }

    func write(to w: inout CheckpointWriter) {
        w.section("chain progress")
        w.write(iteration); w.write(accepted); w.write(recorded); w.write(sinceKept); w.write(divergedAt ?? -1)
        w.write(adaptationFinished); w.write(tuningBegun)
        w.write(adaptedStepSize != nil); w.write(adaptedStepSize ?? 0)
        w.write(inverseMetric != nil); inverseMetric?.write(to: &w)
        w.write(metricFallbacks); warmupCounts.write(to: &w)
        w.write(divergentTransitions); w.write(acceptStatistics); w.write(treeDepthSaturations)
        w.write(energyCount); w.write(previousEnergy); w.write(squaredJumps); w.write(energyMean); w.write(energySquares)
    }

    static func read(from r: inout CheckpointReader) throws(SampoError) -> ChainProgress {
        try r.section("chain progress")
        var p = ChainProgress()
        p.iteration = try r.readInt(); p.accepted = try r.readInt(); p.recorded = try r.readInt(); p.sinceKept = try r.readInt()
        let diverged = try r.readInt()
        p.divergedAt = diverged >= 0 ? diverged : nil
        p.adaptationFinished = try r.readBool(); p.tuningBegun = try r.readBool()
        let hasStep = try r.readBool(), step = try r.readDouble()
        p.adaptedStepSize = hasStep ? step : nil
        p.inverseMetric = try r.readBool() ? try InverseMetric.read(from: &r) : nil
        p.metricFallbacks = try r.readInt()
        p.warmupCounts = try OracleCounts.read(from: &r)
        p.divergentTransitions = try r.readInt(); p.acceptStatistics = try r.readDouble(); p.treeDepthSaturations = try r.readInt()
        p.energyCount = try r.readInt(); p.previousEnergy = try r.readDouble(); p.squaredJumps = try r.readDouble()
        p.energyMean = try r.readDouble(); p.energySquares = try r.readDouble()
        guard p.iteration >= 0, p.recorded >= 0, p.accepted >= 0, p.sinceKept >= 0 else {
            throw .runtime("checkpoint: a chain's progress has a negative count")
        }
        return p
    }
}
