/// A table of weighted simulated events in columnar Float32 storage.
///
/// One contiguous `[Float]` per ``Feature`` (28 columns in record order), plus the book-keeping
/// columns: the event weight (expected events per row at the challenge luminosity) and the
/// process. The label is derived from the process. Every column has ``count`` entries.
///
/// Tables are values (copy on write). Estimators never receive an `EventTable`: they get a
/// sealed view without weights or processes.
public struct EventTable: Sendable, Equatable {
    /// Feature columns indexed by `Feature.index`.
    public var columns: [[Float]]
    /// Per-row weights.
    public var weights: [Float]
    /// Per-row process codes (`PhysicsProcess.code`).
    public var processCodes: [UInt8]

    /// An empty table.
    public init() {
        columns = Array(repeating: [], count: Feature.allCases.count)
        weights = []
        processCodes = []
    }

    /// A table of `count` rows, every value zero and every process `process`.
    public init(zeroedRows count: Int, process: PhysicsProcess = .ztautau) {
        precondition(count >= 0, "row count must be non-negative, got \(count)")
        columns = Array(repeating: [Float](repeating: 0, count: count), count: Feature.allCases.count)
        weights = [Float](repeating: 0, count: count)
        processCodes = [UInt8](repeating: process.code, count: count)
    }

    /// A table from whole columns. All columns must have the same length.
    public init(columns: [[Float]], weights: [Float], processCodes: [UInt8]) {
        precondition(columns.count == Feature.allCases.count,
                     "an event table has \(Feature.allCases.count) feature columns, got \(columns.count)")
        let n = weights.count
        precondition(processCodes.count == n, "processCodes has \(processCodes.count) rows, weights \(n)")
        for (i, c) in columns.enumerated() {
            precondition(c.count == n, "column \(Feature.allCases[i].rawValue) has \(c.count) rows, weights \(n)")
        }
        self.columns = columns
        self.weights = weights
        self.processCodes = processCodes
    }

    /// Number of rows.
    public var count: Int { weights.count }

    /// The column of one feature.
    public subscript(feature: Feature) -> [Float] {
        get { columns[feature.index] }
        _modify { yield &columns[feature.index] }
        set { columns[feature.index] = newValue }
    }

    /// The process of row `row`.
    public func process(at row: Int) -> PhysicsProcess {
        PhysicsProcess(code: processCodes[row])!
    }

    /// Reserve capacity in every column.
    public mutating func reserveCapacity(_ n: Int) {
        for i in columns.indices { columns[i].reserveCapacity(n) }
        weights.reserveCapacity(n)
        processCodes.reserveCapacity(n)
    }

    /// Append one row given as 28 feature values in record order.
    public mutating func append(features: [Float], weight: Float, process: PhysicsProcess) {
        precondition(features.count == columns.count, "a row has \(columns.count) features, got \(features.count)")
        for i in 0..<columns.count { columns[i].append(features[i]) }
        weights.append(weight)
        processCodes.append(process.code)
    }

    /// Append all rows of another table.
    public mutating func append(contentsOf other: EventTable) {
        for i in 0..<columns.count { columns[i].append(contentsOf: other.columns[i]) }
        weights.append(contentsOf: other.weights)
        processCodes.append(contentsOf: other.processCodes)
    }

    /// The rows at `indices`, in that order (indices may repeat).
    public func rows(_ indices: [Int]) -> EventTable {
        EventTable(columns: columns.map { c in indices.map { c[$0] } },
                   weights: indices.map { weights[$0] },
                   processCodes: indices.map { processCodes[$0] })
    }

    /// Sum of weights per process (in Double), for every process present or not.
    public func weightSums() -> [PhysicsProcess: Double] {
        var sums = [Double](repeating: 0, count: PhysicsProcess.allCases.count)
        for i in 0..<count { sums[Int(processCodes[i])] += Double(weights[i]) }
        var out: [PhysicsProcess: Double] = [:]
        for p in PhysicsProcess.allCases { out[p] = sums[Int(p.code)] }
        return out
    }

    /// Row counts per process.
    public func rowCounts() -> [PhysicsProcess: Int] {
        var counts = [Int](repeating: 0, count: PhysicsProcess.allCases.count)
        for c in processCodes { counts[Int(c)] += 1 }
        var out: [PhysicsProcess: Int] = [:]
        for p in PhysicsProcess.allCases { out[p] = counts[Int(p.code)] }
        return out
    }
}
