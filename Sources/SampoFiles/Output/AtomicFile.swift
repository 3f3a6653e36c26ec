import SampoCore
import Foundation

/// Writes files so that readers never see a partial one: the bytes go to a temporary file in
/// the destination's folder, which is then renamed over the destination.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws(SampoError) {
        guard !path.isEmpty else { throw .invalid(.argument("path"), "expected a file path, found an empty one") }
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            throw .usage("\(path): folder \(dir.path) does not exist")
        }
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0...UInt32.max)).tmp")
        do {
            try data.write(to: tmp)
        } catch {
            throw .runtime("\(path): cannot write (\(error.localizedDescription))")
        }
        guard rename(tmp.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: tmp)
            throw .runtime("\(path): cannot replace file (\(reason))")
        }
    }

    public static func write(_ text: String, to path: String) throws(SampoError) {
        try write(Data(text.utf8), to: path)
    }
}
