import Foundation
import SampoCore

/// Compiles a Stan program with Sampo's bridge into a shared library, once: compiled models are
/// cached by a hash of (program text, stanc version, compiler version, flags, bridge source) under
/// `$SAMPO_CACHE/stan/` (default `~/.cache/sampo/stan/`). Each build happens in a private folder that
/// is renamed into place, so two processes compiling the same program both succeed and a reader
/// never sees half a library; an entry whose library does not match its recorded checksum is
/// rebuilt, not loaded.
public struct StanCompiler: Sendable {
    public let toolchain: StanToolchain
    public let cacheFolder: String

    public init(toolchain: StanToolchain, cacheFolder: String? = nil) {
        self.toolchain = toolchain
        self.cacheFolder = cacheFolder ?? Self.defaultCacheFolder()
    }

    /// `$SAMPO_CACHE/stan`, else `$XDG_CACHE_HOME/sampo/stan`, else `~/.cache/sampo/stan`.
    public static func defaultCacheFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let c = environment["SAMPO_CACHE"], !c.isEmpty { return c + "/stan" }
        if let x = environment["XDG_CACHE_HOME"], !x.isEmpty { return x + "/sampo/stan" }
        return NSHomeDirectory() + "/.cache/sampo/stan"
    }

    /// A compiled model: its library and the key it is cached under.
    public struct Compiled: Sendable, Equatable {
        public let library: String
        public let key: String
        /// Whether this call compiled it (false: found in the cache).
        public let compiled: Bool
    }

    /// What goes into a model's library besides stanc's output.
    public enum Contents: Sendable {
        /// Sampo's bridge: what sampling needs.
        case bridge
        /// The bridge and Stan's own NUTS (for `sampo bench --stan`; a separate cache entry).
        case bridgeWithStanNUTS

        var sources: [String] {
            switch self {
            case .bridge: [StanBridgeSource.text]
            case .bridgeWithStanNUTS: [StanBridgeSource.text, StanReferenceNUTSSource.text]
            }
        }
    }

    /// The library for the program in `path` (a `.stan` file), compiled if the cache has no valid
    /// entry. `progress` hears one line before a compilation starts.
    public func compile(programAt path: String, contents: Contents = .bridge,
                        progress: (String) -> Void = { FileHandle.standardError.write(Data(("sampo: " + $0 + "\n").utf8)) }) throws(SampoError) -> Compiled {
        guard let text = FileManager.default.contents(atPath: path) else {
            throw .badFile(path: path, "cannot read the Stan program")
        }
        let key = try cacheKey(program: text, sources: contents.sources)
        let entry = cacheFolder + "/" + key
        if Self.isValidEntry(entry) { return Compiled(library: entry + "/model.so", key: key, compiled: false) }
        // An entry that is there but fails its checksum is removed and rebuilt.
        if FileManager.default.fileExists(atPath: entry) { try? FileManager.default.removeItem(atPath: entry) }
        do {
            try FileManager.default.createDirectory(atPath: cacheFolder, withIntermediateDirectories: true)
        } catch {
            throw .runtime("\(cacheFolder): cannot create the model cache (\(error.localizedDescription)); set SAMPO_CACHE to a writable folder")
        }
        let name = Self.modelName(path)
        let staging = cacheFolder + "/.building-\(key)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: staging) }
        do { try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false) } catch {
            throw .runtime("\(staging): cannot create (\(error.localizedDescription))")
        }
        try translate(path, name: name, into: staging)
        progress("compiling Stan model \(name) (about 40 s; cached afterwards in \(entry))")
        try build(staging: staging, sources: contents.sources)
        guard let library = FileManager.default.contents(atPath: staging + "/model.so") else {
            throw .runtime("\(staging)/model.so: the compiler wrote no library")
        }
        try Self.write(Self.checksum(library), to: staging + "/model.so.checksum")
        // Renaming a folder is atomic; if another process put the entry in place first, theirs is used.
        if rename(staging, entry) != 0 {
            guard Self.isValidEntry(entry) else {
                throw .runtime("\(entry): cannot put the compiled model in place (\(String(cString: strerror(errno))))")
            }
        }
        return Compiled(library: entry + "/model.so", key: key, compiled: true)
    }

    /// stanc: the program to C++; its messages (file, line and column) are the error.
    private func translate(_ path: String, name: String, into staging: String) throws(SampoError) {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let r = try StanProcess.run(toolchain.stanc, ["--name=\(name)", "--include-paths=\(folder)", "--o=\(staging)/model.hpp", path])
        guard r.status == 0 else {
            let message = (r.stderr.isEmpty ? r.stdout : r.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
            throw .badFile(path: path, "stanc rejected the program:\n" + message)
        }
    }

    /// The C++ compiler: stanc's output and the bridge in one translation unit. A failure shows
    /// the compiler's first error and keeps the full log.
    private func build(staging: String, sources: [String]) throws(SampoError) {
        let unit = (["#include \"model.hpp\""] + sources).joined(separator: "\n")
        try Self.write(unit, to: staging + "/unit.cpp")
        let args = toolchain.compileFlags + ["unit.cpp", "-o", "model.so"] + toolchain.linkFlags
        let r = try StanProcess.run(toolchain.compiler, args, in: staging)
        let log = r.stdout + r.stderr
        guard r.status == 0 else {
            let logPath = cacheFolder + "/last-failed-build.log"
            try? Self.write(log, to: logPath)
            let first = log.split(separator: "\n").first { $0.contains("error") }.map(String.init) ?? "exit status \(r.status)"
            throw .runtime("the C++ compiler failed on the Stan model: \(first) (full log: \(logPath))")
        }
    }

    /// FNV-1a over the parts that decide the library.
    private func cacheKey(program: Data, sources: [String]) throws(SampoError) -> String {
        var h = StableHash()
        h.add(program)
        for part in [try toolchain.stancVersion(), try toolchain.compilerVersion(), toolchain.home]
            + toolchain.compileFlags + toolchain.linkFlags + sources {
            h.add(Data(part.utf8))
        }
        return h.hex
    }

    package static func isValidEntry(_ entry: String) -> Bool {
        guard let library = FileManager.default.contents(atPath: entry + "/model.so"),
              let recorded = FileManager.default.contents(atPath: entry + "/model.so.checksum") else { return false }
        return String(decoding: recorded, as: UTF8.self) == checksum(library)
    }

    static func checksum(_ data: Data) -> String {
        var h = StableHash()
        h.add(data)
        return h.hex
    }

    /// A C++ identifier from the file name (stanc names the model class after it).
    static func modelName(_ path: String) -> String {
        let base = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        var name = String(base.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" }.filter(\.isASCII))
        if name.first.map({ $0.isNumber }) ?? true { name = "m_" + name }
        return name + "_model"
    }

    static func write(_ text: String, to path: String) throws(SampoError) {
        do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw .runtime("\(path): cannot write (\(error.localizedDescription))")
        }
    }
}

/// 128 bits of FNV-1a (two 64-bit lanes with different offsets): a cache key and a checksum against
/// accidental corruption, not a cryptographic hash.
struct StableHash {
    private var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private var b: UInt64 = 0x8422_2325_cbf2_9ce4

    mutating func add(_ data: Data) {
        for byte in data {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            b = (b ^ UInt64(byte ^ 0x5A)) &* 0x0000_0100_0000_01B3
        }
        // The length ends each part, so ("ab", "c") and ("a", "bc") differ.
        for shift in stride(from: 0, to: 64, by: 8) {
            let byte = UInt64((data.count >> shift) & 0xFF)
            a = (a ^ byte) &* 0x0000_0100_0000_01B3
            b = (b ^ byte) &* 0x0000_0100_0000_01B3
        }
    }

    var hex: String { String(format: "%016llx%016llx", a, b) }
}
