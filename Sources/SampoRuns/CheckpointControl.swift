import Foundation
import SampoCore
import Synchronization

/// Takes checkpoints of a running ``Chains/run(settings:dimension:checkpoints:resumingFrom:makeKernel:)``
/// from another thread. `request()` asks every running chain to write its state at its next
/// iteration; `checkpoint(after:)` waits until each has, and returns the run's checkpoint with the
/// draws kept so far. Chains go on sampling meanwhile: a chain's state is its own, so a checkpoint
/// may hold each chain at a different iteration, and writing one does not change any draw.
public final class CheckpointControl: @unchecked Sendable {
    /// Bumped by `request()`; chains compare it with the last value they answered, once per
    /// iteration (a relaxed atomic load: nothing in a hot loop).
    let generation = Atomic<Int>(0)
    /// A chain also writes its state when it reaches this iteration (warm-up included): a
    /// deterministic checkpoint for tests, kept as `captured` when the run ends.
    public let snapshotIteration: Int?
    /// The checkpoint at `snapshotIteration` (chains that ended before it hold their final state).
    public private(set) var captured: RunCheckpoint?

    private enum Status { case notStarted, running(since: Int), finished }
    private struct Snapshot { var state: [UInt8]; var iteration: Int; var recorded: Int; var answered: Int }

    private let condition = NSCondition()
    private var status: [Status] = []
    private var latest: [Snapshot?] = []
    /// Each chain's state at `snapshotIteration`.
    private var marked: [Snapshot?] = []
    /// Where the run's draws and statistics are while it runs (nil before and after).
    private var output: Output?
    private var over = false

    /// Whether the run has ended (its outputs are being written, or are written).
    public var hasEnded: Bool { condition.lock(); defer { condition.unlock() }; return over }

    struct Output {
        let values: UnsafeMutablePointer<Double>?
        let statistics: UnsafeMutablePointer<Double>?
        let dimension: Int, capacity: Int, columns: Int
        /// Keeps the draws' memory alive while a checkpoint copies from it (nil: no draws until the
        /// end, as for population runs).
        let storage: DrawsStorage?
    }

    public init(snapshotIteration: Int? = nil) { self.snapshotIteration = snapshotIteration }

    /// Asks the running chains for their state; returns the request's number for `checkpoint(after:)`.
    public func request() -> Int {
        condition.lock(); defer { condition.unlock() }
        return generation.add(1, ordering: .relaxed).newValue
    }

    /// Waits until every chain that was running when request `number` was made has answered it or
    /// ended, then returns the checkpoint; nil when the run is not under way (not begun or over).
    public func checkpoint(after number: Int) -> RunCheckpoint? {
        condition.lock(); defer { condition.unlock() }
        while output != nil && !answered(number) { condition.wait() }
        return output.map { assemble($0) }
    }

    private func answered(_ number: Int) -> Bool {
        for c in status.indices {
            if case .running(let since) = status[c], since < number, (latest[c]?.answered ?? -1) < number { return false }
        }
        return true
    }

    /// The checkpoint from the latest state of each chain; called with the lock held, while the
    /// draws are in memory. Rows below a state's `recorded` are never written again.
    private func assemble(_ out: Output, atMark: Bool = false) -> RunCheckpoint {
        RunCheckpoint(chains: latest.indices.map { c in
            guard let s = atMark ? marked[c] ?? latest[c] : latest[c] else { return nil }
            let rows = min(s.recorded, out.capacity)
            let draws = out.values.map { Array(UnsafeBufferPointer(start: $0 + c * out.capacity * out.dimension, count: rows * out.dimension)) } ?? []
            let statistics = out.statistics.map { Array(UnsafeBufferPointer(start: $0 + c * out.capacity * out.columns, count: rows * out.columns)) } ?? []
            return RunCheckpoint.Chain(state: s.state, iteration: s.iteration, recorded: s.recorded, draws: draws, statistics: statistics)
        })
    }

    // MARK: Called by the run

    func begin(chains: Int, output: Output, resumed: RunCheckpoint?) {
        condition.lock(); defer { condition.unlock() }
        status = [Status](repeating: .notStarted, count: chains)
        latest = (0..<chains).map { c in
            resumed?.chains[c].map { Snapshot(state: $0.state, iteration: $0.iteration, recorded: $0.recorded, answered: -1) }
        }
        marked = [Snapshot?](repeating: nil, count: chains)
        for c in 0..<chains where latest[c] != nil { status[c] = .finished }   // until the chain runs again
        self.output = output
        over = false
        captured = nil
    }

    /// A chain starts; returns the request number it is up to date with.
    func started(chain: Int) -> Int {
        condition.lock(); defer { condition.unlock() }
        let now = generation.load(ordering: .relaxed)
        status[chain] = .running(since: now)
        return now
    }

    /// Whether a chain that answered request `answered` should write its state at `iteration`.
    @inline(__always) func asks(answered: Int, iteration: Int) -> Bool {
        generation.load(ordering: .relaxed) != answered || iteration == snapshotIteration
    }

    func post(chain: Int, state: [UInt8], iteration: Int, recorded: Int, answering number: Int, final: Bool) {
        condition.lock(); defer { condition.unlock() }
        let snapshot = Snapshot(state: state, iteration: iteration, recorded: recorded, answered: number)
        latest[chain] = snapshot
        if iteration == snapshotIteration && !final { marked[chain] = snapshot }
        condition.broadcast()
    }

    func finished(chain: Int) {
        condition.lock(); defer { condition.unlock() }
        status[chain] = .finished
        condition.broadcast()
    }

    /// The run is over: keeps the test checkpoint, and wakes any waiter (which then gets nil).
    func end() {
        condition.lock(); defer { condition.unlock() }
        if snapshotIteration != nil, let output { captured = assemble(output, atMark: true) }
        output = nil
        over = true
        condition.broadcast()
    }
}
