import SampoCore
import CGSL

/// Rank normalisation of Vehtari et al. (2021): pooled average ranks r over all S values,
/// z = Φ⁻¹((r − 3/8)/(S + 1/4)), and folding |θ − median|.
public enum RankNormalization {
    /// Average ranks (1-based; ties share the mean of their ranks) of all values, pooled.
    public static func averageRanks(_ values: [Double]) -> [Double] {
        let order = RadixSort.order(values)
        var ranks = [Double](repeating: 0, count: values.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
            let average = Double(i + j) / 2 + 1
            for k in i...j { ranks[order[k]] = average }
            i = j + 1
        }
        return ranks
    }

    /// z-scores of the pooled chains, returned with the same chain shape.
    public static func zScale(_ chains: [[Double]]) -> [[Double]] {
        GSL.configure()
        let pooled = chains.flatMap { $0 }
        let ranks = averageRanks(pooled)
        let s = Double(pooled.count)
        var out: [[Double]] = []
        var offset = 0
        for c in chains {
            out.append((0..<c.count).map { gsl_cdf_ugaussian_Pinv((ranks[offset + $0] - 0.375) / (s + 0.25)) })
            offset += c.count
        }
        return out
    }

    /// |θ − median(θ)| with the median over all chains pooled.
    public static func fold(_ chains: [[Double]]) -> [[Double]] {
        let median = Quantiles.of(chains.flatMap { $0 }, probabilities: [0.5])[0]
        return chains.map { $0.map { abs($0 - median) } }
    }
}
