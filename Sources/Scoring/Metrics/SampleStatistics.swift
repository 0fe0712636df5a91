/// The few summary statistics the metrics need, with their definitions.
public enum SampleStatistics {
    /// The arithmetic mean (NaN for an empty sample).
    public static func mean<C: Collection>(_ x: C) -> Double where C.Element == Double {
        guard !x.isEmpty else { return .nan }
        var sum = 0.0
        for v in x { sum += v }
        return sum / Double(x.count)
    }

    /// The sample standard deviation, with the unbiased variance:
    /// ```
    /// s = sqrt( sum_i (x_i - mean)^2 / (n - 1) )
    /// ```
    /// NaN for fewer than two values.
    public static func standardDeviation<C: Collection>(_ x: C) -> Double where C.Element == Double {
        guard x.count > 1 else { return .nan }
        let m = mean(x)
        var ss = 0.0
        for v in x { ss += (v - m) * (v - m) }
        return (ss / Double(x.count - 1)).squareRoot()
    }

    /// The `p`-quantile of a sorted sample, by linear interpolation between order statistics
    /// (Hyndman and Fan type 7, numpy's default):
    /// ```
    /// h = (n - 1) p,   q = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h])
    /// ```
    public static func quantile(sorted x: [Double], _ p: Double) -> Double {
        guard !x.isEmpty else { return .nan }
        let h = Double(x.count - 1) * min(max(p, 0), 1)
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, x.count - 1)
        return x[lo] + (h - Double(lo)) * (x[hi] - x[lo])
    }
}
