import Dispatch
import Foundation

/// Runs independent tasks on all cores and returns their results in index order, so the
/// outcome never depends on scheduling.
public enum Parallel {
    public static func map<T: Sendable>(count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let box = Box<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { i in box.set(i, body(i)) }
        return box.values.map { $0! }
    }

    private final class Box<T>: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values: [T?]
        init(count: Int) { values = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ v: T) { lock.lock(); values[i] = v; lock.unlock() }
    }
}
