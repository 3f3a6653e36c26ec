import Foundation

/// The memory behind ``Draws``: contiguous doubles, on the heap for ordinary runs and, beyond
/// `fileBackedBytes`, in a shared mapping of an unlinked temporary file. A mapped block that has
/// been written (or read) can be handed back with `release`: its pages leave the process's resident
/// set and stay in the file, so a run of 4 × 10⁸ steps does not hold 6 GB of draws in memory.
public final class DrawsStorage: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Double>
    public let count: Int
    /// Bytes mapped from the temporary file; 0 on the heap.
    private let mappedBytes: Int
    /// Draws larger than this go to a file mapping (when the file system has room for them).
    nonisolated(unsafe) package static var fileBackedBytes = 1 << 28
    /// Doubles released at a time by readers and writers (8 MB).
    public static let releaseBlock = 1 << 20

    /// `onDisk`: map a file whatever the size (still the heap if no file can be made).
    public init(count: Int, onDisk: Bool = false) {
        self.count = count
        let bytes = max(count, 1) * MemoryLayout<Double>.stride
        if onDisk || bytes >= Self.fileBackedBytes, let mapped = Self.mapTemporaryFile(bytes: bytes) {
            base = mapped.bindMemory(to: Double.self, capacity: bytes / 8)
            mappedBytes = bytes
        } else {
            base = .allocate(capacity: max(count, 1))
            base.initialize(repeating: 0, count: max(count, 1))
            mappedBytes = 0
        }
    }

    public init(copying values: [Double]) {
        count = values.count
        mappedBytes = 0
        base = .allocate(capacity: max(count, 1))
        if values.isEmpty { base.initialize(to: 0) } else { values.withUnsafeBufferPointer { base.initialize(from: $0.baseAddress!, count: count) } }
    }

    public var isFileBacked: Bool { mappedBytes > 0 }

    deinit {
        if mappedBytes > 0 { munmap(base, mappedBytes) } else { base.deallocate() }
    }

    /// Hands the whole pages inside `count` doubles from `offset` back to the file (no-op on the heap).
    /// The range is clipped to the storage: a release must never reach memory it does not own.
    public func release(offset: Int, count n: Int) {
        let start = max(offset, 0), end = min(offset + n, count)
        guard mappedBytes > 0, end > start else { return }
        ResidentPages.release(base + start, byteCount: (end - start) * MemoryLayout<Double>.stride)
    }

    /// An unlinked file in the temporary folder, with its blocks reserved up front (a full disk is
    /// then a fallback to the heap here, not a SIGBUS when a page is first written).
    static func mapTemporaryFile(bytes: Int) -> UnsafeMutableRawPointer? {
        let dir = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(dir)/.sampo-draws-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        defer { close(fd) }
        guard posix_fallocate(fd, 0, off_t(bytes)) == 0 else { return nil }
        let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
        guard let p, p != MAP_FAILED else { return nil }
        return p
    }
}
