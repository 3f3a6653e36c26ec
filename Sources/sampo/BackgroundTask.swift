import Foundation
import Sampo

/// Work started on its own thread now and joined later with `wait`, which rethrows its error.
final class BackgroundTask: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var failure: SampoError?

    init(_ work: @escaping @Sendable () throws(SampoError) -> Void) {
        let thread = Thread { [self] in
            do throws(SampoError) { try work() } catch { failure = error }
            done.signal()
        }
        thread.stackSize = 1 << 22
        thread.start()
    }

    /// Blocks until the work has finished; throws what it threw.
    func wait() throws(SampoError) {
        done.wait()
        if let failure { throw failure }
    }
}
