/// Counts, weight sums and per-column ranges of an event table, accumulated block by block so
/// that a pool larger than memory can be summarised while it streams.
///
/// For every feature: the rows where it is defined (not -25, for the features where -25 is the
/// undefined marker, see ``Feature/mayBeUndefined``), and the minimum, maximum and mean over
/// those rows (sums in Double). For every process: rows and sum of weights.
public struct EventTableSummary: Sendable, Equatable {
    /// Range and mean of one column over the rows where it is defined.
    public struct ColumnStatistics: Sendable, Equatable {
        /// Rows where the value is defined.
        public var defined = 0
        /// Rows holding the undefined marker -25 (0 for columns without a marker).
        public var undefined = 0
        public var minimum = Double.infinity
        public var maximum = -Double.infinity
        public var sum = 0.0

        /// The mean over defined rows, nil when there are none.
        public var mean: Double? { defined > 0 ? sum / Double(defined) : nil }
        /// Min and max over defined rows, nil when there are none.
        public var range: ClosedRange<Double>? { defined > 0 ? minimum...maximum : nil }
    }

    /// Rows and summed weights of one process.
    public struct ProcessTotals: Sendable, Equatable {
        public var rows = 0
        public var weightSum = 0.0
    }

    /// Total rows.
    public private(set) var rows = 0
    /// Per process (every process present, with zeros where it has no rows).
    public private(set) var processes: [PhysicsProcess: ProcessTotals] =
        Dictionary(uniqueKeysWithValues: PhysicsProcess.allCases.map { ($0, ProcessTotals()) })
    /// Per feature, in record order (index = `Feature.index`).
    public private(set) var features = [ColumnStatistics](repeating: ColumnStatistics(), count: Feature.allCases.count)
    /// The weights column.
    public private(set) var weights = ColumnStatistics()

    public init() {}

    /// The summary of `table`.
    public init(_ table: EventTable) {
        add(table)
    }

    /// Adds the rows of `table`.
    public mutating func add(_ table: EventTable) {
        rows += table.count
        for feature in Feature.allCases {
            EventTableSummary.accumulate(table.columns[feature.index], ignoringMarker: feature.mayBeUndefined,
                                         into: &features[feature.index])
        }
        EventTableSummary.accumulate(table.weights, ignoringMarker: false, into: &weights)
        var counts = [Int](repeating: 0, count: PhysicsProcess.allCases.count)
        var sums = [Double](repeating: 0, count: PhysicsProcess.allCases.count)
        for i in 0..<table.count {
            // Codes of a table are valid by construction (readers check them).
            let code = Int(table.processCodes[i])
            guard code < counts.count else { continue }
            counts[code] += 1
            sums[code] += Double(table.weights[i])
        }
        for process in PhysicsProcess.allCases {
            processes[process, default: ProcessTotals()].rows += counts[Int(process.code)]
            processes[process, default: ProcessTotals()].weightSum += sums[Int(process.code)]
        }
    }

    private static func accumulate(_ column: [Float], ignoringMarker: Bool, into stats: inout ColumnStatistics) {
        var lo = stats.minimum, hi = stats.maximum, sum = 0.0, defined = 0
        for value in column {
            if ignoringMarker && value == Feature.undefined { continue }
            let x = Double(value)
            lo = min(lo, x); hi = max(hi, x)
            sum += x
            defined += 1
        }
        stats.minimum = lo
        stats.maximum = hi
        stats.sum += sum
        stats.defined += defined
        stats.undefined += column.count - defined
    }
}
