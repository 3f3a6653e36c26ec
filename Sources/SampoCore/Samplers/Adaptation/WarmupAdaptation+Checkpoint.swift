/// Warm-up's state in a checkpoint: dual averaging, the window schedule (Stan's or nutpie's), the
/// metric estimator's running moments or kept draws, and the bookkeeping between fits. The kernel
/// and the random stream are written by their owners; read into an adaptation built with the same
/// settings for the same kernel, warm-up continues exactly as it would have.
extension WarmupAdaptation {
    public func writeState(to w: inout CheckpointWriter) {
        w.section("warm-up")
        dual.write(to: &w)
        stanWindows.write(to: &w)
        w.write(nutpie != nil)
        nutpie?.write(to: &w)
        w.write(estimator != nil)
        estimator?.write(to: &w)
        w.write(fitted); w.write(sinceRefit); w.write(previous)
        w.write(failedMetricUpdates); w.write(fallbacks); w.write(fellBackInWindow)
    }

    public mutating func readState(from r: inout CheckpointReader) throws(SampoError) {
        try r.section("warm-up")
        try dual.read(from: &r)
        try stanWindows.read(from: &r)
        guard try r.readBool() == (nutpie != nil) else { throw .runtime("checkpoint: warm-up on another schedule (Stan's or nutpie's)") }
        try nutpie?.read(from: &r)
        guard try r.readBool() == (estimator != nil) else { throw .runtime("checkpoint: warm-up with another metric kind") }
        try estimator?.read(from: &r)
        fitted = try r.readBool(); sinceRefit = try r.readInt(); previous = try r.readDoubles()
        failedMetricUpdates = try r.readInt(); fallbacks = try r.readInt(); fellBackInWindow = try r.readBool()
    }
}

extension DualAveraging {
    func write(to w: inout CheckpointWriter) {
        w.write(mu); w.write(iteration); w.write(hBar); w.write(logStep); w.write(logStepBar)
    }
    mutating func read(from r: inout CheckpointReader) throws(SampoError) {
        mu = try r.readDouble(); iteration = try r.readInt(); hBar = try r.readDouble()
        logStep = try r.readDouble(); logStepBar = try r.readDouble()
    }
}

extension WindowedAdaptation {
    func write(to w: inout CheckpointWriter) {
        w.write([initBuffer, termBuffer, baseWindow, counter, windowSize, nextWindowEnd])
    }
    mutating func read(from r: inout CheckpointReader) throws(SampoError) {
        let v = try r.readInts()
        guard v.count == 6 else { throw .runtime("checkpoint: Stan's warm-up windows hold 6 numbers, found \(v.count)") }
        initBuffer = v[0]; termBuffer = v[1]; baseWindow = v[2]; counter = v[3]; windowSize = v[4]; nextWindowEnd = v[5]
    }
}

extension NutpieSchedule {
    func write(to w: inout CheckpointWriter) { w.write([counter, foreground, background]) }
    mutating func read(from r: inout CheckpointReader) throws(SampoError) {
        let v = try r.readInts()
        guard v.count == 3 else { throw .runtime("checkpoint: nutpie's schedule holds 3 numbers, found \(v.count)") }
        counter = v[0]; foreground = v[1]; background = v[2]
    }
}
