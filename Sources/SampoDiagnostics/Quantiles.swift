import CGSL

/// Sample quantiles by linear interpolation between order statistics (R type 7, numpy's
/// default), through GSL's `gsl_stats_quantile_from_sorted_data`.
public enum Quantiles {
    public static func of(_ values: [Double], probabilities: [Double]) -> [Double] {
        guard !values.isEmpty else { return probabilities.map { _ in .nan } }
        return fromSorted(RadixSort.sorted(values), probabilities: probabilities)
    }

    /// Quantiles of data already in ascending order.
    public static func fromSorted(_ sorted: [Double], probabilities: [Double]) -> [Double] {
        guard !sorted.isEmpty else { return probabilities.map { _ in .nan } }
        return sorted.withUnsafeBufferPointer { buf in
            probabilities.map { gsl_stats_quantile_from_sorted_data(buf.baseAddress!, 1, buf.count, $0) }
        }
    }
}
