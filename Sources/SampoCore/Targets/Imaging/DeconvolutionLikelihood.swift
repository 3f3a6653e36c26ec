import Foundation

/// The smooth part of a deconvolution posterior: f(x) = ‖y − A x‖²/(2σ²) with A a periodic blur, as
/// log π_f = −f. One evaluation costs two 2-D FFTs: with g = AᵀA x (through |K̂|²),
/// ‖Ax − y‖² = ⟨x, g⟩ − 2⟨x, Aᵀy⟩ + ‖y‖² and ∇f = (g − Aᵀy)/σ²; Aᵀy and ‖y‖² are computed once.
public final class DeconvolutionLikelihood: LogDensity, HasSmoothnessConstant, HasParameterNames, HasNaturalStart, HasProximalDefaults, HasImageTruth, @unchecked Sendable {
    public let blur: PeriodicBlur
    public let observation: [Double]
    public let noiseSD: Double
    /// The image the observation was made from, when known (for PSNR/SSIM).
    public let truth: [Double]?
    public let dimension: Int
    private let adjointObservation: [Double]
    private let observationNorm2: Double

    public init(blur: PeriodicBlur, observation y: [Double], noiseSD sigma: Double, truth: [Double]? = nil) throws(SampoError) {
        guard y.count == blur.rows * blur.cols else {
            throw .invalid(.argument("observation"), "expected \(blur.rows) × \(blur.cols) pixels, found \(y.count)")
        }
        guard sigma > 0, sigma.isFinite else { throw .invalid(.argument("noiseSD"), "expected a positive number, found \(sigma)") }
        self.blur = blur; observation = y; noiseSD = sigma; dimension = y.count; self.truth = truth
        adjointObservation = blur.apply(.adjoint, y)
        observationNorm2 = y.reduce(0) { $0 + $1 * $1 }
    }

    public var imageTruth: (pixels: [Double], rows: Int, cols: Int)? { truth.map { ($0, blur.rows, blur.cols) } }

    /// The observation y: a chain started at N(0, I) would spend its first steps finding the image.
    public var naturalStart: [Double]? { observation }

    /// Durmus, Moulines and Pereyra's choice for MYULA: λ = 1/L_f and h = 1/(L_f + 1/λ).
    public var defaultLambda: Double { 1 / smoothnessConstant }
    public func defaultStepSize(lambda: Double) -> Double { 1 / (smoothnessConstant + 1 / lambda) }

    /// L_f = max|K̂|²/σ².
    public var smoothnessConstant: Double { blur.maxGain * blur.maxGain / (noiseSD * noiseSD) }

    /// p<row>_<col>, 1-based.
    public var parameterNames: [String] {
        (0..<dimension).map { "p\($0 / blur.cols + 1)_\($0 % blur.cols + 1)" }
    }

    public func logDensity(at x: UnsafePointer<Double>) -> Double {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: dimension) { g in
            logDensityAndGradient(at: x, gradient: g.baseAddress!)
        }
    }

    public func logDensityAndGradient(at x: UnsafePointer<Double>, gradient out: UnsafeMutablePointer<Double>) -> Double {
        blur.apply(.gram, x, into: out)
        var xg = 0.0, xa = 0.0
        let s2 = noiseSD * noiseSD
        adjointObservation.withUnsafeBufferPointer { a in
            for k in 0..<dimension {
                xg += x[k] * out[k]; xa += x[k] * a[k]
                out[k] = (a[k] - out[k]) / s2
            }
        }
        return -max(xg - 2 * xa + observationNorm2, 0) / (2 * s2)
    }
}
