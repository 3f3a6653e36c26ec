import CGSL

/// Sample quantiles by linear interpolation between order statistics (R type 7, numpy's
/// default), through GSL's `gsl_stats_quantile_from_sorted_data`.
public enum Quantiles {
    public static func of(_ values: [Double], probabilities: [Double]) -> [Double] {
        guard !values.isEmpty else { return probabilities.map { _ in .nan } }
        let sorted = values.sorted()
        return sorted.withUnsafeBufferPointer { buf in
            probabilities.map { gsl_stats_quantile_from_sorted_data(buf.baseAddress!, 1, buf.count, $0) }
        }
    }
}
