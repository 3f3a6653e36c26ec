import Foundation
import SampoCore

/// Where the Stan toolchain is: stanc3 and the Stan, Stan Math, Eigen, Boost, TBB and SUNDIALS
/// headers and libraries, as unpacked from the httpstan 4.13.0 wheel by `make setup` (`stanc`,
/// `include/`, `lib/`), plus a C++17 compiler. Found at `SAMPO_STAN_HOME`, else in a `.stan/httpstan`
/// folder beside the running program's build (the checkout `make setup` ran in).
public struct StanToolchain: Sendable, Equatable {
    public let home: String
    public let compiler: String

    public var stanc: String { home + "/stanc" }
    public var include: String { home + "/include" }
    public var lib: String { home + "/lib" }

    /// The flags every model is compiled with (ALGORITHMS.md §16; checked on this machine kind).
    public var compileFlags: [String] {
        ["-std=c++17", "-O3", "-fPIC", "-shared", "-D_REENTRANT", "-DBOOST_DISABLE_ASSERTS", "-DSTAN_THREADS",
         "-DTBB_INTERFACE_NEW", "-I", include, "-I", include + "/stan/math", "-isystem", include,
         "-Wno-deprecated-declarations", "-Wno-ignored-attributes"]
    }
    public var linkFlags: [String] { ["-L", lib, "-ltbb", "-Wl,-rpath," + lib] }

    public init(home: String, compiler: String = "g++") {
        self.home = home
        self.compiler = compiler
    }

    /// The toolchain this process can use, or an error that says how to install it (a usage error:
    /// exit 2 on the command line).
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws(SampoError) -> StanToolchain {
        let hint = "Stan targets need the Stan toolchain: run `make setup` in the Sampo checkout (it unpacks PyPI's httpstan 4.13.0 into .stan/httpstan), or set SAMPO_STAN_HOME to such a folder"
        var candidates: [String] = []
        if let home = environment["SAMPO_STAN_HOME"], !home.isEmpty {
            candidates = [home]
        } else {
            for start in [Self.executableFolder, FileManager.default.currentDirectoryPath].compactMap({ $0 }) {
                var dir = URL(fileURLWithPath: start).standardizedFileURL
                for _ in 0..<6 {
                    candidates.append(dir.appendingPathComponent(".stan/httpstan").path)
                    dir.deleteLastPathComponent()
                }
            }
        }
        guard let home = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0 + "/stanc") }) else {
            if let given = environment["SAMPO_STAN_HOME"], !given.isEmpty {
                throw .usage("SAMPO_STAN_HOME=\(given) holds no stanc. " + hint)
            }
            throw .usage(hint)
        }
        let compiler = environment["CXX"].flatMap { $0.isEmpty ? nil : $0 } ?? "g++"
        guard Self.findExecutable(compiler) != nil else {
            throw .usage("Stan targets need a C++17 compiler ('\(compiler)' was not found): run `make setup` (it installs g++), or set CXX")
        }
        return StanToolchain(home: home, compiler: compiler)
    }

    /// stanc's version line, e.g. "stanc3 v2.35.0 (Unix)".
    public func stancVersion() throws(SampoError) -> String {
        let r = try StanProcess.run(stanc, ["--version"])
        guard r.status == 0 else { throw .runtime("\(stanc) does not report its version: \(r.stderr)") }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The compiler's version line (part of a compiled model's cache key).
    public func compilerVersion() throws(SampoError) -> String {
        let r = try StanProcess.run(compiler, ["--version"])
        return r.stdout.split(separator: "\n").first.map(String.init) ?? compiler
    }

    static var executableFolder: String? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")).map { URL(fileURLWithPath: $0).deletingLastPathComponent().path }
    }

    static func findExecutable(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        return nil
    }
}

/// Runs a tool of the toolchain and collects what it printed.
enum StanProcess {
    struct Result { let status: Int32; let stdout: String; let stderr: String }

    static func run(_ tool: String, _ arguments: [String], in directory: String? = nil) throws(SampoError) -> Result {
        guard let path = StanToolchain.findExecutable(tool) else { throw .usage("\(tool): not found") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch { throw .runtime("\(tool): cannot start (\(error.localizedDescription))") }
        // Both pipes are drained at once: a compiler that fills one while we wait on the other would hang.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}
