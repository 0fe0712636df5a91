import PseudoExperiments

/// A map from events to the bins of a binned likelihood: a selection (one bin), the bins of a
/// feature, or the bins of a classifier's score.
///
/// The same binning is applied to the transformed training pool (to build templates) and to
/// each pseudo-experiment's sealed view (to count the observed events), so both are histogrammed
/// identically. A conforming type in five lines, the events with a positive jet multiplicity:
/// ```swift
/// struct HasJets: EventBinning {
///     var binCount: Int { 1 }
///     var features: [Feature] { [.nJets] }
///     func bins(of events: some FeatureColumns) -> [Int32] { events.column(.nJets).map { $0 > 0 ? 0 : -1 } }
/// }
/// ```
public protocol EventBinning: Sendable {
    /// The number of bins.
    var binCount: Int { get }
    /// The features the binning reads (their values must be finite).
    var features: [Feature] { get }
    /// For each row, its bin in `0..<binCount`, or -1 for a row that is not used.
    func bins(of events: some FeatureColumns) -> [Int32]
}

extension EventBinning {
    /// The number of rows in each bin.
    public func histogram(of events: some FeatureColumns) -> [Double] {
        var counts = [Double](repeating: 0, count: binCount)
        for b in bins(of: events) where b >= 0 { counts[Int(b)] += 1 }
        return counts
    }

    /// The first row and feature the binning reads whose value is NaN or infinite, if any.
    public func firstNonFiniteInput(in events: some FeatureColumns) -> (row: Int, feature: Feature, value: Float)? {
        for feature in features {
            let column = events.column(feature)
            if let i = column.firstIndex(where: { !$0.isFinite }) {
                return (i - column.startIndex, feature, column[i])
            }
        }
        return nil
    }
}

/// Bin edges on a line: bin `k` holds `edges[k-1] < x <= edges[k]`, with the first bin open to
/// -infinity and the last to +infinity, so every finite value falls into exactly one bin.
public struct BinEdges: Sendable, Equatable, Codable {
    /// The inner edges, strictly increasing (`binCount - 1` of them).
    public let inner: [Float]

    /// - Precondition: `inner` is strictly increasing and finite.
    public init(inner: [Float]) {
        precondition(zip(inner, inner.dropFirst()).allSatisfy { $0 < $1 } && inner.allSatisfy(\.isFinite),
                     "bin edges must be finite and strictly increasing, got \(inner)")
        self.inner = inner
    }

    public var binCount: Int { inner.count + 1 }

    /// The bin of `x`: the number of inner edges below it (binary search).
    @inline(__always)
    public func bin(_ x: Float) -> Int {
        var lo = 0, hi = inner.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if inner[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Edges at the weighted quantiles `1/k, 2/k, ..., (k-1)/k` of `values` (duplicates removed,
    /// so there may be fewer than `k` bins).
    public static func quantiles(of values: [Float], weights: [Double], bins k: Int) -> BinEdges {
        precondition(values.count == weights.count, "one weight per value: \(values.count) values, \(weights.count) weights")
        precondition(k >= 1, "at least one bin is needed, got \(k)")
        let order = values.indices.sorted { values[$0] < values[$1] }
        let total = weights.reduce(0, +)
        guard total > 0, k > 1 else { return BinEdges(inner: []) }
        var edges: [Float] = []
        var cumulative = 0.0, next = 1, position = 0
        // Whole runs of equal values at a time, so a quantile inside a run cuts after the run.
        while position < order.count && next < k {
            let value = values[order[position]]
            while position < order.count && values[order[position]] == value {
                cumulative += weights[order[position]]
                position += 1
            }
            guard position < order.count else { break }
            if cumulative >= total * Double(next) / Double(k) {
                edges.append(value)
                while next < k && cumulative >= total * Double(next) / Double(k) { next += 1 }
            }
        }
        return BinEdges(inner: edges)
    }

    /// The edges with the edge between bins `k` and `k + 1` removed (the two bins merged).
    public func merging(bin k: Int) -> BinEdges {
        precondition(k >= 0 && k < inner.count, "bin \(k) has no upper neighbour among \(binCount) bins")
        var e = inner
        e.remove(at: k)
        return BinEdges(inner: e)
    }
}
