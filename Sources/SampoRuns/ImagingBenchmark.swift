import SampoCore
import Foundation

/// `sampo bench`'s imaging rows: one MYULA step on an image posterior against what it is made of —
/// the likelihood's gradient (two 2-D FFTs) and the TV prox (Chambolle's sweeps) — so the split of a
/// step's time between FFT, prox and the rest (noise, moments of the step, bookkeeping) can be read.
public enum ImagingBenchmark {
    public struct Row: Sendable {
        public let name: String
        public let pixels: Int
        public let msPerStep: Double
        public let msFFT: Double
        public let msProx: Double
        public var msRest: Double { max(msPerStep - msFFT - msProx, 0) }
    }

    /// Times `steps` MYULA steps from the observation (one chain, the family's default λ and h),
    /// then as many likelihood gradients and prox calls alone.
    public static func run(_ target: NamedTarget, steps: Int) throws(SampoError) -> Row {
        guard let composite = target.density as? CompositeTarget, let start = composite.naturalStart else {
            throw .invalid(.argument("target"), "\(target.name) is not an image posterior")
        }
        let settings = RunSettings(chains: 1, steps: steps, warmup: 0, seed: 1, jobs: 1, initialization: .point(start))
        let job = try SamplingJob(target: target, sampler: try SamplerCatalog.named("myula"), stepSize: nil, settings: settings)
        let run = try job.run()
        let d = target.dimension
        let lambda = job.parameters[MoreauYosidaSettings.lambda]
        let x = start
        var g = [Double](repeating: 0, count: d), p = [Double](repeating: 0, count: d)
        func seconds(_ body: () -> Void) -> Double {
            let t0 = DispatchTime.now().uptimeNanoseconds
            body()
            return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        }
        let fft = seconds {
            for _ in 0..<steps {
                x.withUnsafeBufferPointer { xp in g.withUnsafeMutableBufferPointer { _ = composite.smooth.logDensityAndGradient(at: xp.baseAddress!, gradient: $0.baseAddress!) } }
            }
        }
        let prox = seconds {
            for _ in 0..<steps {
                x.withUnsafeBufferPointer { xp in p.withUnsafeMutableBufferPointer { composite.nonsmooth.prox(xp.baseAddress!, lambda: lambda, into: $0.baseAddress!, dimension: d) } }
            }
        }
        return Row(name: target.name, pixels: d, msPerStep: run.wallSeconds * 1e3 / Double(steps),
                   msFFT: fft * 1e3 / Double(steps), msProx: prox * 1e3 / Double(steps))
    }
}
