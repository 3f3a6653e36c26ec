import SampoCore
import Foundation

/// Effective sample size with Geyer's initial positive and initial monotone sequences, on
/// chains of equal length, as Stan, posterior and ArviZ compute it.
public enum EffectiveSampleSize {
    /// ESS of `chains` as given (not split). nil when there are fewer than 2 draws per chain, the
    /// lengths differ, or a value is not finite. A constant input has ESS equal to the number of draws.
    public static func geyer(_ chains: [[Double]]) throws(SampoError) -> Double? {
        let m = chains.count
        guard m > 0, let n = chains.first?.count, n >= 2, chains.allSatisfy({ $0.count == n }) else { return nil }
        guard chains.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { return nil }
        let lo = chains.map { $0.min()! }.min()!, hi = chains.map { $0.max()! }.max()!
        if hi - lo < 1e-15 { return Double(m * n) }

        // Most chains need only a few lags before the sequence stops: try direct sums over the
        // first `shortLags` lags, and fall back to the FFT of the whole series when that is not enough.
        let shortLags = min(n, 16)
        let short = chains.map { Autocovariance.direct($0, lags: shortLags) }
        let means = chains.map { $0.reduce(0, +) / Double(n) }
        if case .done(let ess) = sequence(acov: short, available: shortLags, chainMeans: means, length: n) { return ess }
        // Long chains: one transform per core (each chain's is independent, so the result is the same).
        let perChain: [Result<[Double], SampoError>] = n >= 100_000
            ? Parallel.map(count: m) { c in Result { () throws(SampoError) in try Autocovariance.compute(chains[c]) } }
            : chains.map { c in Result { () throws(SampoError) in try Autocovariance.compute(c) } }
        var full: [[Double]] = []
        for r in perChain { full.append(try r.get()) }
        if case .done(let ess) = sequence(acov: full, available: n, chainMeans: means, length: n) { return ess }
        return nil
    }

    enum Outcome { case done(Double?), needMoreLags }

    /// Geyer's truncated sum given acov(0..<available) of every chain (each of `length` draws, with
    /// the given means); `.needMoreLags` when the sequence has not stopped within `available` lags.
    static func sequence(acov: [[Double]], available: Int, chainMeans: [Double], length n: Int) -> Outcome {
        let m = chainMeans.count
        let nd = Double(n)
        func meanAcov(_ t: Int) -> Double { acov.reduce(0) { $0 + $1[t] } / Double(m) }
        let meanVar = meanAcov(0) * nd / (nd - 1)
        var varPlus = meanVar * (nd - 1) / nd
        if m > 1 {
            let grand = chainMeans.reduce(0, +) / Double(m)
            varPlus += chainMeans.reduce(0) { $0 + ($1 - grand) * ($1 - grand) } / Double(m - 1)
        }

        var rho = [Double](repeating: 0, count: min(n, available + 2))
        var rhoEven = 1.0
        var rhoOdd = 1 - (meanVar - meanAcov(1)) / varPlus
        rho[0] = rhoEven
        rho[1] = rhoOdd
        // Initial positive sequence: sum pairs while their sum is positive.
        var t = 1
        while t < n - 3 && rhoEven + rhoOdd > 0 {
            if t + 2 >= available { return .needMoreLags }
            rhoEven = 1 - (meanVar - meanAcov(t + 1)) / varPlus
            rhoOdd = 1 - (meanVar - meanAcov(t + 2)) / varPlus
            if rhoEven + rhoOdd >= 0 {
                rho[t + 1] = rhoEven
                rho[t + 2] = rhoOdd
            }
            t += 2
        }
        let maxT = t - 2
        // Keep the last even lag when it is positive.
        if rhoEven > 0 { rho[maxT + 1] = rhoEven }
        // Initial monotone sequence: pair sums may not increase.
        t = 1
        while t <= maxT - 2 {
            if rho[t + 1] + rho[t + 2] > rho[t - 1] + rho[t] {
                rho[t + 1] = (rho[t - 1] + rho[t]) / 2
                rho[t + 2] = rho[t + 1]
            }
            t += 2
        }
        let total = Double(m * n)
        var tau = -1.0
        for i in 0..<(maxT + 1) { tau += 2 * rho[i] }
        tau += rho[maxT + 1]
        tau = max(tau, 1 / log10(total))
        let ess = total / tau
        return .done(ess.isFinite ? ess : nil)
    }

    /// Bulk-ESS: ESS of the rank-normalised split chains.
    public static func bulk(_ chains: [[Double]]) throws(SampoError) -> Double? {
        guard valid(chains) else { return nil }
        return try bulk(rankNormalizedSplit: RankNormalization.zScale(SplitChains.split(chains)))
    }

    /// Bulk-ESS from the rank-normalised split chains already computed (they are shared with R̂).
    public static func bulk(rankNormalizedSplit z: [[Double]]) throws(SampoError) -> Double? {
        try geyer(z)
    }

    /// Tail-ESS: the smaller ESS of the split indicators 𝟙[θ ≤ Q₀.₀₅] and 𝟙[θ ≤ Q₀.₉₅].
    public static func tail(_ chains: [[Double]]) throws(SampoError) -> Double? {
        guard valid(chains) else { return nil }
        let q = Quantiles.of(chains.flatMap { $0 }, probabilities: [0.05, 0.95])
        return try tail(chains, q05: q[0], q95: q[1])
    }

    /// Tail-ESS with the pooled 5% and 95% quantiles already computed (they are shared with the summary).
    public static func tail(_ chains: [[Double]], q05: Double, q95: Double) throws(SampoError) -> Double? {
        var out: Double?
        for qp in [q05, q95] {
            let indicator = chains.map { $0.map { $0 <= qp ? 1.0 : 0.0 } }
            guard let e = try geyer(SplitChains.split(indicator)) else { return nil }
            out = min(out ?? e, e)
        }
        return out
    }

    /// ESS for the mean: Geyer ESS of the split chains (no rank normalisation).
    public static func mean(_ chains: [[Double]]) throws(SampoError) -> Double? {
        guard valid(chains) else { return nil }
        return try geyer(SplitChains.split(chains))
    }

    static func valid(_ chains: [[Double]]) -> Bool {
        guard let n = chains.first?.count, n >= 4 else { return false }
        return chains.allSatisfy { $0.count == n && $0.allSatisfy(\.isFinite) }
    }
}
