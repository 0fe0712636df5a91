/// What an estimator sees of one pseudo-experiment: the features of its events, nothing else.
///
/// One row per event copy (an event drawn twice by the Poisson sampler is two rows, each with its
/// own soft-MET noise), in a seeded shuffled order, 28 Float32 features per row. The view holds no
/// weights, counts, process codes, pool row numbers, labels, true mu, nuisance values or seeds,
/// and its row order carries no information about them: those stay with the harness for scoring.
///
/// Storage is one column-major Float32 array whose columns lie `columnStride >= count` values
/// apart: the generator writes each tile's surviving rows into memory sized for the rows before
/// the cuts, and keeps the gap after each column instead of moving ~100 MB to close it.
/// The stride is not part of the view's value: ``column(_:)``, ``withColumn(_:_:)``, equality and
/// every file format see `count` values per column, in feature order (the layout of the
/// memory-mapped event file handed to out-of-process estimators).
public struct SealedView: Sendable, Equatable {
    /// Number of rows (event copies).
    public let count: Int
    /// Values from the start of one column to the start of the next (`>= count`).
    let columnStride: Int
    /// Feature `f` occupies `[f.index * columnStride, f.index * columnStride + count)`; the values
    /// after it up to the next column, and after the last column, are padding, never read.
    var storage: [Float] { box.values }
    private let box: ViewStorage

    /// A view from column-major values: feature `f` at `[f.index * count, (f.index + 1) * count)`.
    /// The harness builds views; estimators only read them.
    public init(count: Int, columnMajor values: [Float]) {
        precondition(count >= 0 && values.count == Feature.allCases.count * count,
                     "a sealed view of \(count) rows needs \(Feature.allCases.count * count) values, got \(values.count)")
        self.count = count
        columnStride = count
        box = ViewStorage(values, recycled: false)
    }

    /// A view whose columns lie `columnStride` values apart in `storage` (the generator's layout);
    /// with `recycled`, `storage` goes to ``ViewMemory`` for another view when this one is gone.
    init(count: Int, columnStride: Int, storage: [Float], recycled: Bool = false) {
        precondition(count >= 0 && columnStride >= count && storage.count >= Feature.allCases.count * columnStride,
                     "a sealed view of \(count) rows with column stride \(columnStride) needs \(Feature.allCases.count * columnStride) values, got \(storage.count)")
        self.count = count
        self.columnStride = columnStride
        box = ViewStorage(storage, recycled: recycled)
    }

    /// The values of one feature, one per row, indexed from 0 (a copy: a slice of the storage
    /// would carry the column's offset in its indices, and with it the column stride, which
    /// the generator sizes from the event count before the cuts and so tracks the energy
    /// scales). ``withColumn(_:_:)`` reads in place.
    public func column(_ feature: Feature) -> ArraySlice<Float> {
        withColumn(feature) { Array($0)[...] }
    }

    /// Calls `body` with the `count` values of one feature, without copying.
    public func withColumn<R>(_ feature: Feature, _ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[(feature.index * columnStride)..<(feature.index * columnStride + count)]))
        }
    }

    /// The 28 features of one row, in record order.
    public func row(_ i: Int) -> [Float] {
        precondition(i >= 0 && i < count, "row \(i) is outside 0..<\(count)")
        return Feature.allCases.map { storage[$0.index * columnStride + i] }
    }

    /// The values column after column, `Feature.allCases.count * count` of them (a copy).
    public func columnMajorValues() -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(Feature.allCases.count * count)
        for f in Feature.allCases { withColumn(f) { out.append(contentsOf: $0) } }
        return out
    }

    /// Bytes of the view's values (`28 * count` Float32s). Not the storage's size, whose
    /// padding the generator sizes from the event count before the cuts: that would tell an
    /// estimator how many events the energy scales cut away.
    public var memoryBytes: Int { Feature.allCases.count * count * MemoryLayout<Float>.stride }

    /// Bytes the storage holds, padding included (for the harness's memory figures only).
    var storageBytes: Int { storage.count * MemoryLayout<Float>.stride }

    /// Views are equal when they have the same rows (values compared as Floats, as `[Float]` does),
    /// whatever their column strides.
    public static func == (a: SealedView, b: SealedView) -> Bool {
        guard a.count == b.count else { return false }
        return Feature.allCases.allSatisfy { f in
            a.withColumn(f) { x in b.withColumn(f) { y in x.elementsEqual(y) } }
        }
    }
}
