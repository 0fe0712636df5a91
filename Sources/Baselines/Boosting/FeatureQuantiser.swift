import PseudoExperiments

/// Cuts each feature into at most `maxBins` bins at quantiles of a sample, so that trees are
/// grown on small integer codes (histogram-based boosting) and applied to raw values.
///
/// ```
/// code(x) = #{ thresholds t_k < x }        in 0...thresholds.count
/// code(x) <= k  <=>  x <= t_k
/// ```
/// so a split found on codes ("code <= k goes left") is the same split on raw values
/// ("x <= t_k goes left"), which is how ``BoostedTrees`` evaluates it.
public struct FeatureQuantiser: Sendable, Equatable {
    /// Per feature (in `Feature.allCases` order), its thresholds, strictly increasing.
    public let thresholds: [[Float]]
    /// The largest number of bins of any feature.
    public let maxBins: Int

    /// Thresholds at the `1/maxBins, ..., (maxBins-1)/maxBins` quantiles of each feature's
    /// values in `events` (duplicates dropped: a feature with few distinct values gets fewer).
    public init(events: some FeatureColumns, maxBins: Int = 64) {
        precondition(maxBins >= 2 && maxBins <= 256, "maxBins must lie in 2...256, got \(maxBins)")
        self.maxBins = maxBins
        thresholds = Feature.allCases.map { feature in
            let sorted = events.column(feature).sorted()
            guard !sorted.isEmpty else { return [] }
            var out: [Float] = []
            for k in 1..<maxBins {
                let position = min(sorted.count - 1, k * sorted.count / maxBins)
                let value = sorted[position]
                // Only cut where a larger value follows, so that both sides are populated.
                if value < sorted[sorted.count - 1], out.last.map({ $0 < value }) ?? true { out.append(value) }
            }
            return out
        }
    }

    /// The code of `x` for feature index `f`.
    @inline(__always)
    public func code(_ x: Float, feature f: Int) -> UInt8 {
        let t = thresholds[f]
        var lo = 0, hi = t.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if t[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return UInt8(lo)
    }

    /// The codes of every row of `events`, row-major (`Feature.allCases.count` per row), appended to `codes`.
    public func encode(_ events: some FeatureColumns, into codes: inout [UInt8]) {
        let features = Feature.allCases.count, n = events.count
        let start = codes.count
        codes.append(contentsOf: repeatElement(0, count: n * features))
        codes.withUnsafeMutableBufferPointer { out in
            for (f, feature) in Feature.allCases.enumerated() {
                var i = 0
                for x in events.column(feature) {
                    out[start + i * features + f] = code(x, feature: f)
                    i += 1
                }
            }
        }
    }
}
