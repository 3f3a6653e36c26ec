import SampoCore
import Foundation

/// `family = "deconvolution"`: a blurred, noisy image y = A x + σε and the posterior
/// π(x) ∝ exp(−‖y − Ax‖²/(2σ²) − θ TV(x)) (or a Gaussian prior, `kind = "gaussian"`, whose posterior
/// is exactly Gaussian). The truth is the Shepp–Logan phantom (`image = "phantom"`, `size`) or a PGM
/// file; the observation is generated once from `noise_seed` unless `observation` names a PGM.
enum DeconvolutionSpec {
    static let keys: Set<String> = ["name", "description", "family", "dimension", "image", "size", "blur", "noise_sd", "snr_db",
                                    "noise_seed", "observation", "prior", "reference"]

    /// Doubles per pixel that loading an image posterior and one run on it hold at their peak: the
    /// truth, observation, blur transfer function and spectra, the prior's dual variables and a
    /// run's working vectors. Measured: `map` on an 8192² image peaked at 7.37 GB, 13.7 per pixel.
    static let doublesPerPixel = 14

    /// Refuses, before anything of its size is allocated, an image whose posterior cannot fit (the
    /// caller names the field).
    static func checkMemory(rows: Int, cols: Int) throws(SampoError) {
        do {
            try MemoryLimit.check(doubles: [rows, cols, doublesPerPixel], for: .argument("image"),
                                  what: "the working arrays of an image posterior of \(cols) × \(rows) pixels (≈ \(doublesPerPixel) doubles each)")
        } catch {
            if case .invalid(_, let text) = error { throw .usage(text) }
            throw error
        }
    }

    static func build(_ f: TOMLFields, notes: inout [String]) throws(SampoError) -> CompositeTarget {
        try f.rejectUnknownKeys(allowed: keys)
        let source = try f.string("image")
        let truth: PGMFile.Image
        if source == "phantom" {
            let n = f.has("size") ? try f.int("size") : 128
            guard (64...512).contains(n) else { throw f.error("size", "expected a side length in 64…512, found \(n)") }
            try f.reading("size") { () throws(SampoError) in try checkMemory(rows: n, cols: n) }
            truth = PGMFile.Image(rows: n, cols: n, pixels: SheppLogan.image(size: n))
        } else {
            guard !f.has("size") else { throw f.error("size", "applies to image = \"phantom\" only (a PGM has its own size)") }
            let file = try f.path("image")   // relative to the target file, as regression data are
            truth = try f.reading("image") { () throws(SampoError) in
                try PGMFile.read(file) { (r, c) throws(SampoError) in try checkMemory(rows: r, cols: c) }
            }
        }
        let (r, c) = (truth.rows, truth.cols)
        let b = try f.subtable("blur")
        let blur: PeriodicBlur
        switch try b.string("kind") {
        case "uniform":
            try b.rejectUnknownKeys(allowed: ["kind", "width"])
            let w = try b.int("width")
            blur = try TargetFile.inFile(b) { () throws(SampoError) in try PeriodicBlur.uniform(width: w, rows: r, cols: c) }
        case "gaussian":
            try b.rejectUnknownKeys(allowed: ["kind", "sd"])
            let sd = try b.double("sd")
            blur = try TargetFile.inFile(b) { () throws(SampoError) in try PeriodicBlur.gaussian(sd: sd, rows: r, cols: c) }
        case let other:
            throw b.error("kind", "unknown blur '\(other.prefix(40))' (known: uniform, gaussian)")
        }
        let clean = blur.apply(.forward, truth.pixels)
        let sigma: Double
        switch (try f.optionalDouble("noise_sd"), try f.optionalDouble("snr_db")) {
        case let (s?, nil):
            guard s > 0, s.isFinite else { throw f.error("noise_sd", "expected a positive number, found \(s)") }
            sigma = s
        case let (nil, snr?):
            guard snr.isFinite else { throw f.error("snr_db", "expected a finite number, found \(snr)") }
            // σ from the blurred image's variance, as the imaging papers do: SNR = 10 log₁₀(var(Ax)/σ²).
            let m = clean.reduce(0, +) / Double(clean.count)
            let v = clean.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(clean.count)
            sigma = (v / pow(10, snr / 10)).squareRoot()
            guard sigma > 0 else { throw f.error("snr_db", "the blurred image is constant: σ from an SNR is 0") }
            notes.append("noise sd σ = \(sigma) from snr_db = \(snr)")
        case (_?, _?): throw f.error("snr_db", "give noise_sd or snr_db, not both")
        case (nil, nil): throw f.error("noise_sd", "missing: the noise level (noise_sd, or snr_db)")
        }
        let y: [Double]
        if let path = try f.optionalPath("observation") {
            guard !f.has("noise_seed") else { throw f.error("noise_seed", "applies only when the observation is generated (no observation file)") }
            let image = try f.reading("observation") { () throws(SampoError) in try PGMFile.read(path) }
            guard image.rows == r, image.cols == c else {
                throw f.error("observation", "\(path) is \(image.cols) × \(image.rows), the image is \(c) × \(r)")
            }
            y = image.pixels
        } else {
            let seed = f.has("noise_seed") ? try f.int("noise_seed") : 1
            guard seed >= 0 else { throw f.error("noise_seed", "expected a whole number ≥ 0, found \(seed)") }
            let noise = RandomStream(seed: UInt64(seed))
            y = clean.map { $0 + sigma * noise.normal() }
        }
        let likelihood = try TargetFile.inFile(f, fields: ["noiseSD": "noise_sd"]) { () throws(SampoError) in
            try DeconvolutionLikelihood(blur: blur, observation: y, noiseSD: sigma, truth: truth.pixels)
        }
        let p = try f.subtable("prior")
        let prior: any ProximalTerm
        switch try p.string("kind") {
        case "tv":
            try p.rejectUnknownKeys(allowed: ["kind", "theta", "iterations", "tolerance"])
            let theta = try p.double("theta")
            let iterations = p.has("iterations") ? try p.int("iterations") : 25
            let tolerance = try p.optionalDouble("tolerance") ?? 1e-4
            prior = try TargetFile.inFile(p) { () throws(SampoError) in
                try TotalVariationTerm(rows: r, cols: c, theta: theta, iterations: iterations, tolerance: tolerance)
            }
        case "gaussian":
            try p.rejectUnknownKeys(allowed: ["kind", "scale"])
            let scale = try p.double("scale")
            prior = try TargetFile.inFile(p) { () throws(SampoError) in try SquaredL2Term(center: [Double](repeating: 0, count: r * c), scale: scale) }
        case let other:
            throw p.error("kind", "unknown prior '\(other.prefix(40))' (known: tv, gaussian)")
        }
        return CompositeTarget(smooth: likelihood, nonsmooth: prior)
    }
}
