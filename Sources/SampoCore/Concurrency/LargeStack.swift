import Foundation

/// Runs recursive work whose depth the input sets (parsing and compiling a formula) on a thread of
/// its own with a large stack, so it does not depend on the caller's stack (a secondary thread's
/// may be 512 KiB). The stack is reserved, not used: pages are touched only as deep as it goes.
public enum LargeStack {
    public static let bytes = 512 << 20

    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.value = body()
            done.signal()
        }
        thread.stackSize = bytes
        thread.start()
        done.wait()
        return box.value!
    }
}

/// Carries a result from the worker thread (written once before the semaphore is signalled).
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
