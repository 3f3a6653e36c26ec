import Foundation

/// Working memory for computations over long runs (sorted copies, ranks): like ``DrawsStorage``,
/// on the heap when small and in a shared mapping of an unlinked temporary file beyond
/// `DrawsStorage.fileBackedBytes`, so that blocks handed back with `release` leave the resident set.
public final class ScratchBuffer<Element: BitwiseCopyable>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Element>
    public let count: Int
    private let mappedBytes: Int

    /// Uninitialised room for `count` elements (write before reading). `onHeap`: never in a file,
    /// whatever the size (working memory that is rewritten and read back at once).
    public init(count: Int, onHeap: Bool = false) {
        self.count = count
        let bytes = max(count, 1) * MemoryLayout<Element>.stride
        if !onHeap, bytes >= DrawsStorage.fileBackedBytes, let mapped = DrawsStorage.mapTemporaryFile(bytes: bytes) {
            base = mapped.bindMemory(to: Element.self, capacity: max(count, 1))
            mappedBytes = bytes
        } else {
            base = .allocate(capacity: max(count, 1))
            mappedBytes = 0
        }
    }

    deinit {
        if mappedBytes > 0 { munmap(base, mappedBytes) } else { base.deallocate() }
    }

    /// Hands the whole pages inside `count` elements from `offset` back to the file (no-op on the heap).
    /// The range is clipped to the buffer.
    public func release(offset: Int = 0, count n: Int? = nil) {
        let start = max(offset, 0), end = min(offset + (n ?? count - offset), count)
        guard mappedBytes > 0, end > start else { return }
        ResidentPages.release(base + start, byteCount: (end - start) * MemoryLayout<Element>.stride)
    }
}
