/// The output of the systematics transform: the 28 features of the surviving rows.
///
/// Columns are stored contiguously in one Float32 array with a column stride of ``capacity``
/// (the batch size), so a buffer can be reused across pseudo-experiments without reallocating;
/// ``column(_:)`` returns a slice of the first ``count`` values, without copying.
public struct TransformedEvents: Sendable {
    /// Number of surviving rows.
    public internal(set) var count: Int
    /// The column stride (rows the buffer holds, a multiple of the SIMD width).
    public private(set) var capacity: Int
    /// `Feature.allCases.count * capacity` values, column-major.
    var storage: [Float]
    /// `capacity` entries, the first `count` of them valid.
    var rows: [Int32]

    /// An empty buffer.
    public init() {
        count = 0
        capacity = 0
        storage = []
        rows = []
    }

    /// Makes room for `n` rows (column stride `n` padded to the SIMD width), keeping the memory if
    /// it is big enough; count becomes 0.
    mutating func reset(rows needed: Int) {
        count = 0
        let n = PreparedEvents.paddedStride(needed)
        capacity = n
        if storage.count < Feature.allCases.count * n {
            storage = [Float](repeating: 0, count: Feature.allCases.count * n)
        }
        if self.rows.count < n {
            self.rows = [Int32](repeating: 0, count: n)
        }
    }

    /// The values of `feature` for the surviving rows.
    public func column(_ feature: Feature) -> ArraySlice<Float> {
        let start = feature.index * capacity
        return storage[start..<(start + count)]
    }

    /// For each surviving row, its row in the ``EventTable`` the events were prepared from
    /// (through any gather: a row gathered twice appears twice).
    public var sourceRows: ArraySlice<Int32> { rows[0..<count] }

    /// The surviving rows as an event table, with weights and processes taken from `source`
    /// (the table the events were prepared from).
    public func table(weightsAndProcessesFrom source: EventTable) -> EventTable {
        let src = sourceRows.map { Int($0) }
        return EventTable(columns: Feature.allCases.map { Array(column($0)) },
                          weights: src.map { source.weights[$0] },
                          processCodes: src.map { source.processCodes[$0] })
    }

    /// Bytes written per surviving row (features and source row), for throughput figures.
    public static let bytesPerRow = Feature.allCases.count * MemoryLayout<Float>.size + MemoryLayout<Int32>.size
}
