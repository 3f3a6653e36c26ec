import SampoCore
import Foundation

/// Writes files so that readers never see a partial one: the bytes go to a temporary file in
/// the destination's folder, which is then renamed over the destination. Destinations that are not
/// regular files — `-` (standard output), `/dev/stdout`, character devices, FIFOs — are written
/// directly: renaming over them would replace a device with a regular file.
public enum AtomicFile {
    /// Refuses, before any work is done, a destination that cannot be written: an empty path, a
    /// folder that does not exist or is not writable, a directory.
    public static func checkWritable(_ path: String) throws(SampoError) {
        guard !path.isEmpty else { throw .invalid(.argument("path"), "expected a file path, found an empty one") }
        if path == "-" { return }
        var st = stat()
        if stat(path, &st) == 0 {
            if (st.st_mode & S_IFMT) == S_IFDIR { throw .badFile(path: path, "is a directory, expected a file") }
            if (st.st_mode & S_IFMT) != S_IFREG {
                guard access(path, W_OK) == 0 else { throw .badFile(path: path, "cannot write (\(String(cString: strerror(errno))))") }
                return
            }
        }
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw .badFile(path: path, "folder \(dir) does not exist")
        }
        guard access(dir, W_OK) == 0 else {
            throw .badFile(path: path, "cannot write into folder \(dir) (\(String(cString: strerror(errno))))")
        }
    }

    /// Where `path`'s symbolic links lead (followed as the kernel does, up to 40 links; a dangling
    /// link leads to the file it names), or `path` itself when it is not a link: a write replaces
    /// the link's target and keeps the link, as writing through it would.
    public static func linkTarget(_ path: String) -> String {
        var p = path
        for _ in 0..<40 {
            var st = stat()
            guard lstat(p, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK else { return p }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(p, &buffer, buffer.count - 1)
            guard n > 0 else { return p }
            let target = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            p = target.hasPrefix("/") ? target : URL(fileURLWithPath: p).deletingLastPathComponent().appendingPathComponent(target).path
        }
        return p
    }

    /// One name per file: `..` and symbolic links (also a link to a file not written yet) resolved,
    /// so two paths name the same file exactly when their keys are equal.
    public static func fileKey(_ path: String) -> String {
        func canonical(_ p: String) -> String {
            let url = URL(fileURLWithPath: p).standardizedFileURL
            return url.deletingLastPathComponent().resolvingSymlinksInPath().appendingPathComponent(url.lastPathComponent).path
        }
        return canonical(linkTarget(canonical(path)))
    }

    /// Whether `path` names something to write directly rather than by rename.
    public static func isStream(_ path: String) -> Bool {
        if path == "-" { return true }
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG && (st.st_mode & S_IFMT) != S_IFDIR
    }

    public static func write(_ data: Data, to path: String, durable: Bool = false) throws(SampoError) {
        let file = try OutputFile(path)
        try file.append(data)
        try file.commit(durable: durable)
    }

    public static func write(_ text: String, to path: String) throws(SampoError) {
        try write(Data(text.utf8), to: path)
    }
}
