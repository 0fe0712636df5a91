/// What an estimator sees of one pseudo-experiment: the features of its events, nothing else.
///
/// One row per event copy (an event drawn twice by the Poisson sampler is two rows, each with its
/// own soft-MET noise), in a seeded shuffled order, 28 Float32 features per row. The view holds no
/// weights, counts, process codes, pool row numbers, labels, true mu, nuisance values or seeds,
/// and its row order carries no information about them: those stay with the harness for scoring.
///
/// Storage is one column-major Float32 array (`Feature.allCases.count * count` values), which is
/// also the layout of the memory-mapped event file handed to out-of-process estimators.
public struct SealedView: Sendable, Equatable {
    /// Number of rows (event copies).
    public let count: Int
    /// Column-major values: feature `f` occupies `[f.index * count, (f.index + 1) * count)`.
    public let values: [Float]

    /// A view from column-major values. The harness builds views; estimators only read them.
    public init(count: Int, columnMajor values: [Float]) {
        precondition(count >= 0 && values.count == Feature.allCases.count * count,
                     "a sealed view of \(count) rows needs \(Feature.allCases.count * count) values, got \(values.count)")
        self.count = count
        self.values = values
    }

    /// The values of one feature, one per row.
    public func column(_ feature: Feature) -> ArraySlice<Float> {
        values[(feature.index * count)..<((feature.index + 1) * count)]
    }

    /// The 28 features of one row, in record order.
    public func row(_ i: Int) -> [Float] {
        precondition(i >= 0 && i < count, "row \(i) is outside 0..<\(count)")
        return Feature.allCases.map { values[$0.index * count + i] }
    }
}
