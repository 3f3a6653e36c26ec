import SampoCore
import Foundation

/// How close an image estimate (a posterior mean) is to the truth, as imaging papers report it,
/// with L the truth's data range (max − min):
/// - PSNR = 10 log₁₀(L² / MSE) in dB;
/// - SSIM (Wang, Bovik, Sheikh & Simoncelli 2004): the mean over windows of
///   (2μₓμᵧ + C₁)(2σₓᵧ + C₂) / ((μₓ² + μᵧ² + C₁)(σₓ² + σᵧ² + C₂)), C₁ = (0.01L)², C₂ = (0.03L)²,
///   local statistics under an 11 × 11 Gaussian window of sd 1.5 centred at every pixel at least 5
///   pixels from the border.
public enum ImageQuality {
    static func range(_ truth: [Double]) -> Double { (truth.max() ?? 0) - (truth.min() ?? 0) }

    public static func psnr(_ estimate: [Double], truth: [Double]) -> Double? {
        guard estimate.count == truth.count, !truth.isEmpty else { return nil }
        let mse = zip(estimate, truth).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(truth.count)
        let l = range(truth)
        guard l > 0, mse.isFinite else { return nil }
        return mse == 0 ? .infinity : 10 * log10(l * l / mse)
    }

    public static func ssim(_ estimate: [Double], truth: [Double], rows: Int, cols: Int) -> Double? {
        let r = 5
        guard estimate.count == rows * cols, truth.count == rows * cols, rows > 2 * r, cols > 2 * r else { return nil }
        let l = range(truth)
        guard l > 0 else { return nil }
        let c1 = 0.01 * l * 0.01 * l, c2 = 0.03 * l * 0.03 * l
        var w = [Double](repeating: 0, count: (2 * r + 1) * (2 * r + 1)), total = 0.0
        for a in -r...r { for b in -r...r { let v = exp(-Double(a * a + b * b) / (2 * 1.5 * 1.5)); w[(a + r) * (2 * r + 1) + b + r] = v; total += v } }
        for k in w.indices { w[k] /= total }
        var sum = 0.0, windows = 0
        for i in r..<(rows - r) {
            for j in r..<(cols - r) {
                var mx = 0.0, my = 0.0, xx = 0.0, yy = 0.0, xy = 0.0
                for a in -r...r {
                    for b in -r...r {
                        let k = (i + a) * cols + j + b, g = w[(a + r) * (2 * r + 1) + b + r]
                        let x = estimate[k], y = truth[k]
                        mx += g * x; my += g * y; xx += g * x * x; yy += g * y * y; xy += g * x * y
                    }
                }
                let vx = xx - mx * mx, vy = yy - my * my, cxy = xy - mx * my
                sum += (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2))
                windows += 1
            }
        }
        let s = sum / Double(windows)
        return s.isFinite ? s : nil
    }
}
