import Foundation
import SampoCore

/// A compiled model's library, opened with `dlopen`, and the bridge's C functions in it.
final class StanLibrary: @unchecked Sendable {
    typealias New = @convention(c) (UnsafePointer<CChar>?, UInt32, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> UnsafeMutableRawPointer?
    typealias Free = @convention(c) (UnsafeMutableRawPointer?) -> Void
    typealias FreeString = @convention(c) (UnsafeMutablePointer<CChar>?) -> Void
    typealias Size = @convention(c) (UnsafeMutableRawPointer?, Int32) -> Int32
    typealias Names = @convention(c) (UnsafeMutableRawPointer?, Int32) -> UnsafeMutablePointer<CChar>?
    typealias ModelName = @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutablePointer<CChar>?
    typealias LogDensity = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<Double>?, UnsafeMutablePointer<Double>?,
                                           UnsafeMutablePointer<Double>?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32
    typealias RNGNew = @convention(c) (UInt32, UInt32) -> UnsafeMutableRawPointer?
    typealias TimeGradient = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<Double>?, Int) -> Double
    typealias Constrain = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<Double>?, Int32, UnsafeMutableRawPointer?,
                                          UnsafeMutablePointer<Double>?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32
    typealias ReferenceNUTS = @convention(c) (UnsafeMutableRawPointer?, UInt32, Int32, Int32, UnsafeMutablePointer<Double>?,
                                              UnsafeMutablePointer<Double>?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32
    typealias Unconstrain = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, UnsafeMutablePointer<Double>?,
                                            UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32

    let path: String
    let new: New, free: Free, freeString: FreeString, size: Size, names: Names, modelName: ModelName
    let logDensity: LogDensity, rngNew: RNGNew, rngFree: Free, constrain: Constrain, unconstrain: Unconstrain
    let timeGradient: TimeGradient
    /// Stan's own NUTS, in a library built with ``StanCompiler/Contents/bridgeWithStanNUTS`` only.
    let referenceNUTS: ReferenceNUTS?

    /// Libraries stay loaded for the life of the process (a model's code must outlive every model
    /// made from it); opening the same path twice returns the same library.
    init(path: String) throws(SampoError) {
        self.path = path
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let why = dlerror().map { String(cString: $0) } ?? "unknown reason"
            throw .runtime("\(path): cannot load the compiled Stan model (\(why))")
        }
        func symbol<T>(_ name: String, as: T.Type) throws(SampoError) -> T {
            guard let p = dlsym(handle, name) else {
                throw .runtime("\(path): the compiled Stan model lacks \(name) (built by another version of Sampo?)")
            }
            return unsafeBitCast(p, to: T.self)
        }
        new = try symbol("sampo_stan_new", as: New.self)
        free = try symbol("sampo_stan_free", as: Free.self)
        freeString = try symbol("sampo_stan_free_string", as: FreeString.self)
        size = try symbol("sampo_stan_size", as: Size.self)
        names = try symbol("sampo_stan_names", as: Names.self)
        modelName = try symbol("sampo_stan_model_name", as: ModelName.self)
        logDensity = try symbol("sampo_stan_log_density", as: LogDensity.self)
        rngNew = try symbol("sampo_stan_rng_new", as: RNGNew.self)
        rngFree = try symbol("sampo_stan_rng_free", as: Free.self)
        constrain = try symbol("sampo_stan_constrain", as: Constrain.self)
        unconstrain = try symbol("sampo_stan_unconstrain_json", as: Unconstrain.self)
        timeGradient = try symbol("sampo_stan_time_gradient", as: TimeGradient.self)
        referenceNUTS = dlsym(handle, "sampo_stan_reference_nuts").map { unsafeBitCast($0, to: ReferenceNUTS.self) }
    }

    /// A string the bridge allocated, copied and freed.
    func take(_ p: UnsafeMutablePointer<CChar>?) -> String? {
        guard let p else { return nil }
        defer { freeString(p) }
        return String(cString: p)
    }
}
