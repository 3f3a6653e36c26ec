import Foundation
import SampoCore

/// A Stan program with its data, as a density on the unconstrained space: log π with the Jacobian
/// of the constraining transform, up to a constant (`log_prob_propto_jacobian`, Stan's sampling
/// density), its gradient by Stan's reverse mode. A point the model rejects has log density −∞
/// (its gradient is NaN, so an unadjusted kernel stops there as on any non-finite state). One model
/// serves every chain: each thread that calls it gets its own autodiff stack in the bridge.
public final class StanModel: LogDensity, HasParameterNames, @unchecked Sendable {
    public let dimension: Int
    /// The program's file and Stan's name for the model.
    public let programPath: String
    public let modelName: String
    /// The sampler's coordinates, in Stan's bracket form (`theta_trans[1]`, `tau` for log τ).
    public let unconstrainedNames: [String]
    /// Parameters on the constrained scale, then transformed parameters and generated quantities.
    public let parameterNamesConstrained: [String]
    public let outputNames: [String]
    public var parameterNames: [String] { unconstrainedNames }

    let library: StanLibrary
    private let handle: UnsafeMutableRawPointer
    private let data: String?, dataPath: String?, seed: UInt32
    private let errors = FirstError(), rejections = FirstError()

    /// Compiles (or finds in the cache) and loads `program`, then builds the model with `data`
    /// (JSON text as CmdStan reads it; nil for a program without data). `seed` is the model's
    /// construction seed (used by programs that draw in transformed data).
    public convenience init(program: String, data: String? = nil, dataPath: String? = nil, seed: UInt32 = 0,
                            toolchain: StanToolchain? = nil, cacheFolder: String? = nil,
                            progress: ((String) -> Void)? = nil) throws(SampoError) {
        let tools = if let toolchain { toolchain } else { try StanToolchain.locate() }
        let compiler = StanCompiler(toolchain: tools, cacheFolder: cacheFolder)
        let compiled = if let progress { try compiler.compile(programAt: program, progress: progress) }
                       else { try compiler.compile(programAt: program) }
        try self.init(library: compiled.library, program: program, data: data, dataPath: dataPath, seed: seed)
    }

    /// A model from an already compiled library (``StanCompiler``).
    public init(library path: String, program: String, data: String?, dataPath: String? = nil, seed: UInt32 = 0) throws(SampoError) {
        let lib = try StanLibrary(path: path)
        var error: UnsafeMutablePointer<CChar>?
        let made = (data ?? "").withCString { lib.new($0, seed, &error) }
        guard let made else {
            let why = lib.take(error) ?? "the model could not be built"
            throw .badFile(path: dataPath ?? program, "the data do not fit the program: " + Self.firstLine(why))
        }
        func names(_ which: Int32) -> [String] {
            let n = Int(lib.size(made, which))
            guard n > 0, let text = lib.take(lib.names(made, which)) else { return [] }
            return text.split(separator: "\n", omittingEmptySubsequences: false).map { StanNames.bracketed(String($0)) }
        }
        let unconstrained = names(0)
        guard !unconstrained.isEmpty else {
            lib.free(made)
            throw .badFile(path: program, "the program has no parameters: there is nothing to sample")
        }
        library = lib
        handle = made
        self.data = data
        self.dataPath = dataPath
        self.seed = seed
        programPath = program
        modelName = lib.take(lib.modelName(made)) ?? "model"
        unconstrainedNames = unconstrained
        parameterNamesConstrained = names(1)
        outputNames = names(2)
        dimension = unconstrained.count
    }

    deinit { library.free(handle) }

    public func logDensity(at x: UnsafePointer<Double>) -> Double {
        var lp = 0.0, error: UnsafeMutablePointer<CChar>?
        let status = library.logDensity(handle, x, &lp, nil, &error)
        return settle(status, lp, error)
    }

    public func logDensityAndGradient(at x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>) -> Double {
        var lp = 0.0, error: UnsafeMutablePointer<CChar>?
        let status = library.logDensity(handle, x, &lp, gradient, &error)
        if status != 0 { gradient.update(repeating: .nan, count: dimension) }
        return settle(status, lp, error)
    }

    /// The compiled model writes exactly its unconstrained dimension: nothing to check (and a probe
    /// would record a rejection the run never met).
    public func checkLengths(at x: UnsafePointer<Double>) throws(SampoError) {}

    /// Status 1 (rejected) and 2 (any other exception) are both −∞; the first message of each is
    /// kept, so a run can say the model failed rather than rejected, and why a start was rejected.
    private func settle(_ status: Int32, _ lp: Double, _ error: UnsafeMutablePointer<CChar>?) -> Double {
        guard status != 0 else { return lp }
        if let message = library.take(error) { (status == 2 ? errors : rejections).record(Self.firstLine(message)) }
        return -.infinity
    }

    /// The first error (not a rejection) the model threw while sampling, if any.
    public var firstError: String? { errors.value }
    /// The compiled model's library and the data file it was given (what a checkpoint hashes).
    public var libraryPath: String { library.path }
    public var dataFile: String? { dataPath }
    /// The first rejection's message (a `reject()` or a violated constraint), if any.
    public var firstRejection: String? { rejections.value }

    /// The constrained values of an unconstrained point: parameters only, or with transformed
    /// parameters and generated quantities (`all`), drawing from `rng` (``StanRNG``).
    public func constrain(_ x: UnsafePointer<Double>, all: Bool, rng: StanRNG?, into out: UnsafeMutablePointer<Double>) throws(SampoError) {
        var error: UnsafeMutablePointer<CChar>?
        let status = library.constrain(handle, x, all ? 1 : 0, rng?.handle, out, &error)
        guard status == 0 else {
            throw .runtime("\(programPath): cannot compute the constrained values: " + (library.take(error) ?? "unknown error"))
        }
    }

    public func constrain(_ x: [Double], all: Bool = true, rng: StanRNG? = nil) throws(SampoError) -> [Double] {
        var out = [Double](repeating: .nan, count: all ? outputNames.count : parameterNamesConstrained.count)
        try x.withUnsafeBufferPointer { (xp) throws(SampoError) in
            try out.withUnsafeMutableBufferPointer { (op) throws(SampoError) in try constrain(xp.baseAddress!, all: all, rng: rng, into: op.baseAddress!) }
        }
        return out
    }

    /// Initial values given as Stan JSON on the constrained scale (as CmdStan's `inits`), on the
    /// unconstrained space.
    public func unconstrain(json: String, path: String) throws(SampoError) -> [Double] {
        var out = [Double](repeating: .nan, count: dimension)
        var error: UnsafeMutablePointer<CChar>?
        let status = json.withCString { j in out.withUnsafeMutableBufferPointer { library.unconstrain(handle, j, $0.baseAddress!, &error) } }
        guard status == 0 else { throw .badFile(path: path, Self.firstLine(library.take(error) ?? "cannot read the initial values")) }
        return out
    }

    /// Nanoseconds per log density and gradient at `x`: (through this model, as a sampler calls it;
    /// the bridge's own C++ loop over the same call). Their ratio is the Swift side's overhead.
    public func timeGradient(at x: [Double], calls n: Int) -> (sampo: Double, bare: Double) {
        var g = [Double](repeating: 0, count: dimension)
        let bare = x.withUnsafeBufferPointer { library.timeGradient(handle, $0.baseAddress, n) }
        let start = DispatchTime.now().uptimeNanoseconds
        x.withUnsafeBufferPointer { xp in
            g.withUnsafeMutableBufferPointer { gp in
                // Calls through a C function pointer: the compiler cannot drop them.
                for _ in 0..<n { _ = logDensityAndGradient(at: xp.baseAddress!, gradient: gp.baseAddress!) }
            }
        }
        let ns = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(max(n, 1))
        return (ns, bare)
    }

    /// This model (same program, data and seed) in a library that also holds Stan's own NUTS,
    /// compiled once into its own cache entry, for timing Stan's sampler against Sampo's.
    public func withStanNUTS(toolchain: StanToolchain? = nil, cacheFolder: String? = nil) throws(SampoError) -> StanModel {
        if library.referenceNUTS != nil { return self }
        let tools = if let toolchain { toolchain } else { try StanToolchain.locate() }
        let compiled = try StanCompiler(toolchain: tools, cacheFolder: cacheFolder).compile(programAt: programPath, contents: .bridgeWithStanNUTS)
        return try StanModel(library: compiled.library, program: programPath, data: data, dataPath: dataPath, seed: seed)
    }

    /// A run of Stan's NUTS (CmdStan's defaults, one chain, inits uniform on (−2, 2)): its wall
    /// seconds and leapfrog steps (gradients) over warm-up and draws, constrained values of the
    /// draws computed as CmdStan's writer does. Needs ``withStanNUTS(toolchain:cacheFolder:)``.
    public func runStanNUTS(seed: UInt32, warmup: Int, draws: Int) throws(SampoError) -> (seconds: Double, gradients: Double) {
        guard let run = library.referenceNUTS else {
            throw .runtime("\(programPath): this model was compiled without Stan's NUTS (use withStanNUTS())")
        }
        var seconds = 0.0, leapfrogs = 0.0, error: UnsafeMutablePointer<CChar>?
        let status = run(handle, seed, Int32(clamping: warmup), Int32(clamping: draws), &seconds, &leapfrogs, &error)
        guard status == 0 else {
            throw .runtime("\(programPath): Stan's NUTS failed: " + Self.firstLine(library.take(error) ?? "unknown error"))
        }
        return (seconds, leapfrogs)
    }

    static func firstLine(_ s: String) -> String {
        s.split(separator: "\n").first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? s
    }
}

/// Stan's random number generator (`stan::rng_t`), seeded as CmdStan seeds a chain: generated
/// quantities of chain c draw from (seed, c), so they are reproducible by seed and for any `--jobs`.
public final class StanRNG: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    private let library: StanLibrary

    public init(model: StanModel, seed: UInt32, chain: UInt32) throws(SampoError) {
        library = model.library
        guard let h = library.rngNew(seed, chain) else { throw .runtime("cannot make Stan's random number generator") }
        handle = h
    }

    deinit { library.rngFree(handle) }
}

/// The first of the messages recorded from any thread.
final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var first: String?
    func record(_ message: String) { lock.lock(); if first == nil { first = message }; lock.unlock() }
    var value: String? { lock.lock(); defer { lock.unlock() }; return first }
}

extension StanModel: ReportedCoordinates {
    /// `lp__` (the log density the sampler saw, up to a constant, as Stan's), then every constrained
    /// value: parameters, transformed parameters, generated quantities.
    public var reportedNames: [String] { ["lp__"] + outputNames }

    public func report(points: UnsafePointer<Double>, count: Int, chain: Int, seed: UInt64,
                       into out: UnsafeMutablePointer<Double>) throws(SampoError) {
        let width = outputNames.count + 1
        // Stan's generator takes 32-bit seeds: the run's seed is folded, the chain is Stan's chain id.
        let rng = try StanRNG(model: self, seed: UInt32(truncatingIfNeeded: seed ^ (seed >> 32)), chain: UInt32(truncatingIfNeeded: chain + 1))
        for i in 0..<count {
            let x = points + i * dimension, row = out + i * width
            row[0] = logDensity(at: x)
            try constrain(x, all: true, rng: rng, into: row + 1)
        }
    }
}
