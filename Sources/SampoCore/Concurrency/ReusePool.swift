import Foundation

/// Scratch objects handed from one call to the next, so an operator shared by every chain (a blur,
/// a prox) allocates nothing per call once each concurrent caller has had one.
public final class ReusePool<Item: AnyObject>: @unchecked Sendable {
    private var idle: [Item] = []
    private let lock = NSLock()
    private let make: @Sendable () -> Item

    public init(make: @escaping @Sendable () -> Item) { self.make = make }

    /// An idle item, or a new one when every item is in use.
    public func borrow() -> Item {
        lock.lock()
        let item = idle.popLast()
        lock.unlock()
        return item ?? make()
    }

    public func giveBack(_ item: Item) {
        lock.lock(); defer { lock.unlock() }
        idle.append(item)
    }

    /// Runs `body` with a borrowed item and gives it back.
    @inline(__always)
    public func with<R>(_ body: (Item) throws -> R) rethrows -> R {
        let item = borrow()
        defer { giveBack(item) }
        return try body(item)
    }
}
