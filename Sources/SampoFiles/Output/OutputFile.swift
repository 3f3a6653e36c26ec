import Foundation
import SampoCore

/// An output written in pieces without holding it in memory: bytes are buffered and flushed to a
/// temporary file beside the destination, which `commit()` renames over it (readers never see a
/// partial file). Destinations that are not regular files (`-`, devices, FIFOs) are written
/// directly. The temporary file is registered with ``TemporaryFiles`` so an interrupted run removes
/// it, and removed on every failure (a full disk must not stay full).
public final class OutputFile {
    public let path: String
    /// The file that is replaced: `path`, or where its symbolic links lead (the link is kept).
    private let destination: String
    private let temporary: String?
    private let fd: Int32
    private var buffer: [UInt8] = []
    private static let flushSize = 1 << 22
    /// Bytes written, and the prefix already on disk and dropped from the page cache.
    private var written = 0, dropped = 0
    /// A file written through a temporary is synced and its pages dropped from the page cache
    /// every `dropEvery` bytes: a 20 GB draws file would otherwise push the run's own draws (file
    /// mappings still being read by the summaries) out of memory, to be read back from disk.
    private static let dropEvery = 1 << 26

    public init(_ path: String) throws(SampoError) {
        try AtomicFile.checkWritable(path)
        self.path = path
        destination = AtomicFile.linkTarget(path)
        if AtomicFile.isStream(path) {
            temporary = nil
            fd = path == "-" ? STDOUT_FILENO : open(path, O_WRONLY)
            if fd == STDOUT_FILENO { fflush(nil) }   // report lines printed earlier come first
        } else {
            let tmp = TemporaryFiles.path(besides: destination)
            TemporaryFiles.register(tmp)
            temporary = tmp
            fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            if fd < 0 { TemporaryFiles.unregister(tmp) }
        }
        guard fd >= 0 else { throw .runtime("\(path): cannot open for writing (\(String(cString: strerror(errno))))") }
        buffer.reserveCapacity(Self.flushSize + 4096)
    }

    deinit { abandon() }

    /// Appends bytes; flushes to disk when the buffer is full.
    public func append<S: Sequence>(_ bytes: S) throws(SampoError) where S.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushSize { try flush() }
    }

    public func flush() throws(SampoError) {
        let failure: Int32? = buffer.withUnsafeBytes { raw -> Int32? in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return nil
        }
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
        var reason = failure
        if reason == nil, temporary != nil, written - dropped >= Self.dropEvery {
            if fdatasync(fd) == 0 {
                _ = posix_fadvise(fd, off_t(dropped), off_t(written - dropped), POSIX_FADV_DONTNEED)
                dropped = written
            } else {
                reason = errno
            }
        }
        if let reason {
            abandon()
            throw .runtime("\(path): cannot write (\(String(cString: strerror(reason))))")
        }
    }

    /// Writes what is buffered and puts the file in place; `durable` also syncs the data to disk
    /// before the rename (a checkpoint must survive a crash right after it is taken).
    public func commit(durable: Bool = false) throws(SampoError) {
        try flush()
        guard let tmp = temporary else { return }
        if durable, fsync(fd) != 0 {
            let reason = String(cString: strerror(errno))
            abandon()
            throw .runtime("\(path): cannot write (\(reason))")
        }
        guard close(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp); TemporaryFiles.unregister(tmp); closed = true
            throw .runtime("\(path): cannot write (\(reason))")
        }
        closed = true
        guard rename(tmp, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp); TemporaryFiles.unregister(tmp)
            throw .runtime("\(path): cannot replace file (\(reason))")
        }
        TemporaryFiles.unregister(tmp)
        committed = true
    }

    private var closed = false
    private var committed = false

    /// Gives up: the temporary file is removed and the destination left as it was.
    public func abandon() {
        if !closed, fd != STDOUT_FILENO { close(fd) }
        closed = true
        if !committed, let tmp = temporary {
            unlink(tmp)
            TemporaryFiles.unregister(tmp)
        }
        committed = true
    }
}
