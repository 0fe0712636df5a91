import Foundation
import Parquet

/// Event tables from Parquet files in the FAIR Universe layout: the 28 feature columns (float32,
/// or float64 as pandas writes them), `weights` and `detailed_labels` (the process); `labels`
/// and any other column are ignored. Read one row group at a time, so that memory grows with
/// a row group, not with the file.
///
/// The challenge's split (``Part``): the evaluation part is the first `ceil(testFraction * N)`
/// rows of the file (the ingestion's `test_size = 0.3`), the training part the rest; each
/// part's weights can be rescaled to the metadata's `sum_weights`, as the challenge does:
/// ```
/// w' = w * sum_weights / (sum of w over the part)
/// ```
///
/// ```swift
/// let events = try ParquetEvents(path: "FAIR_Universe_HiggsML_data.parquet")
/// let training = try events.table(part: .training(testFraction: 0.3), sumWeights: 1.05e6)
/// ```
public struct ParquetEvents {
    /// Which rows of the file.
    public enum Part: Sendable, Equatable {
        case all
        /// The first `ceil(testFraction * rows)` rows.
        case evaluation(testFraction: Double)
        /// The rows after the evaluation part.
        case training(testFraction: Double)

        /// The rows of a file of `rows` rows this part holds.
        public func rows(of rows: Int) -> Range<Int> {
            switch self {
            case .all: return 0..<rows
            case let .evaluation(f): return 0..<Self.split(rows, f)
            case let .training(f): return Self.split(rows, f)..<rows
            }
        }

        static func split(_ rows: Int, _ fraction: Double) -> Int {
            min(rows, Int((Double(rows) * fraction).rounded(.up)))
        }

        /// A short name for file names and messages (`all`, `evaluation-0.3`, `training-0.3`).
        public var name: String {
            switch self {
            case .all: return "all"
            case let .evaluation(f): return "evaluation-\(f)"
            case let .training(f): return "training-\(f)"
            }
        }
    }

    public let reader: ParquetReader
    private let featureColumns: [Int]
    private let weightColumn: Int
    private let labelColumn: Int

    /// Opens `path` and checks that it has every column an event table needs.
    ///
    /// - Throws: ``ParquetError`` for a file that is not Parquet, is damaged, or lacks a column
    ///   (naming it), or whose column has the wrong type.
    public init(path: String) throws {
        reader = try ParquetReader(path: path)
        let m = reader.metadata
        func index(_ name: String, numeric: Bool) throws -> Int {
            guard let i = m.index(of: name) else {
                throw ParquetError.missingColumn(file: path, column: name, available: m.columns.map(\.name))
            }
            let type = m.columns[i].type
            let ok = numeric ? [.float, .double, .int32, .int64].contains(type) : type == .byteArray
            guard ok else {
                throw ParquetError.wrongType(file: path, column: name, found: type.name,
                                             expected: numeric ? "FLOAT or DOUBLE" : "strings (BYTE_ARRAY)")
            }
            return i
        }
        featureColumns = try Feature.allCases.map { try index($0.rawValue, numeric: true) }
        weightColumn = try index("weights", numeric: true)
        labelColumn = try index("detailed_labels", numeric: false)
    }

    public var rowCount: Int { Int(reader.metadata.rows) }
    public var path: String { reader.path }

    /// The rows of row group `group` that fall in `rows` (file row numbers), as an event table.
    /// Values are checked: features finite, weights finite and positive, processes known.
    public func table(rowGroup group: Int, rows: Range<Int>) throws -> EventTable {
        let local = localRows(group, rows)
        guard !local.isEmpty else { return EventTable() }
        var columns: [[Float]] = []
        columns.reserveCapacity(featureColumns.count)
        for (f, c) in featureColumns.enumerated() {
            let values = try floats(c, group: group, local)
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw ParquetError.badValue(file: path, column: Feature.allCases[f].rawValue, rowGroup: group,
                                            row: bad, value: "\(values[bad])", rule: "finite (use -25 for an undefined value)")
            }
            columns.append(values)
        }
        let weights = try floats(weightColumn, group: group, local)
        if let bad = weights.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
            throw ParquetError.badValue(file: path, column: "weights", rowGroup: group, row: bad, value: "\(weights[bad])",
                                        rule: "a finite positive number")
        }
        guard case let .strings(codes, dictionary) = try reader.column(at: labelColumn, rowGroup: group) else {
            preconditionFailure("detailed_labels was checked to be a string column")
        }
        var processOf: [UInt8] = []
        for (k, name) in dictionary.enumerated() {
            guard let process = PhysicsProcess(rawValue: name) else {
                let row = codes.firstIndex(of: UInt32(k)) ?? 0
                throw ParquetError.badValue(file: path, column: "detailed_labels", rowGroup: group, row: row, value: TerminalText.quoted(name),
                                            rule: "one of htautau, ztautau, ttbar, diboson")
            }
            processOf.append(process.code)
        }
        let processCodes = codes[local].map { processOf[Int($0)] }
        return EventTable(columns: columns, weights: weights, processCodes: processCodes)
    }

    /// The rows of row group `group` (numbered within it) that fall in `rows` (file row numbers).
    private func localRows(_ group: Int, _ rows: Range<Int>) -> Range<Int> {
        let groups = reader.metadata.rowGroups
        let first = groups[..<group].reduce(0) { $0 + Int($1.rows) }
        let upper = min(rows.upperBound - first, Int(groups[group].rows))
        return max(rows.lowerBound - first, 0)..<max(upper, max(rows.lowerBound - first, 0))
    }

    private func floats(_ column: Int, group: Int, _ rows: Range<Int>) throws -> [Float] {
        let values = try reader.column(at: column, rowGroup: group)
        let name = reader.metadata.columns[column].name
        guard let floats = values.floats else {
            throw ParquetError.wrongType(file: path, column: name, found: "strings", expected: "FLOAT or DOUBLE")
        }
        return rows == 0..<floats.count ? floats : Array(floats[rows])
    }

    /// The sum of the weights in `rows` (file row numbers), reading only the weights column.
    public func weightSum(rows: Range<Int>) throws -> Double {
        var sum = 0.0
        for g in reader.metadata.rowGroups.indices {
            let local = localRows(g, rows)
            if !local.isEmpty { sum += try floats(weightColumn, group: g, local).reduce(0) { $0 + Double($1) } }
        }
        return sum
    }

    /// Calls `body` with each row group's rows of `part`, weights rescaled to `sumWeights` when
    /// given (the challenge's rescaling; see the type's documentation).
    public func forEachTable(part: Part, sumWeights: Double?, _ body: (EventTable) throws -> Void) throws {
        let rows = part.rows(of: rowCount)
        var scale: Double?
        if let sumWeights {
            let sum = try weightSum(rows: rows)
            guard sum > 0 else {
                throw ParquetError.badValue(file: path, column: "weights", rowGroup: 0, row: 0, value: "\(sum)",
                                            rule: "a positive sum over the \(part.name) part")
            }
            scale = sumWeights / sum
        }
        for g in reader.metadata.rowGroups.indices {
            var table = try self.table(rowGroup: g, rows: rows)
            guard table.count > 0 else { continue }
            if let scale { table.weights = table.weights.map { Float(Double($0) * scale) } }
            try body(table)
        }
    }

    /// The rows of `part` as one table (for files that fit in memory, e.g. a training pool).
    public func table(part: Part = .all, sumWeights: Double? = nil) throws -> EventTable {
        var all = EventTable()
        all.reserveCapacity(part.rows(of: rowCount).count)
        try forEachTable(part: part, sumWeights: sumWeights) { all.append(contentsOf: $0) }
        return all
    }
}
