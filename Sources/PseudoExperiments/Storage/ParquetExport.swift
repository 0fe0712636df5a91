import Foundation
import Parquet

/// Harness data as Parquet files that pandas and pyarrow read (``ParquetWriter``: required
/// columns, PLAIN pages, SNAPPY), with the FAIR Universe column names:
///
/// - a pseudo-experiment's view: the 28 features (float32), in the view's shuffled order; no
///   weights or labels: what an estimator sees;
/// - a pool: the 28 features, `weights` (float32), `detailed_labels` (strings) and `labels`
///   (int32: 1 for htautau), one row group per pool block: the challenge's own layout.
///
/// ```python
/// import pandas as pd
/// view = pd.read_parquet("pe.parquet")      # 28 float32 columns
/// ```
public enum ParquetExport {
    static var featureColumns: [ParquetWriter.Column] {
        Feature.allCases.map { ParquetWriter.Column(name: $0.rawValue, type: .float) }
    }

    /// Writes `view` to `url`, replacing any file there only once complete.
    public static func write(_ view: SealedView, to url: URL) throws {
        let writer = try ParquetWriter(path: url.path, columns: featureColumns)
        do {
            try writer.writeRowGroup(Feature.allCases.map { .float(Array(view.column($0))) })
            try writer.finish(keyValues: ["fair-uq-bench": "sealed view: features only"])
        } catch {
            writer.cancel()
            throw error
        }
    }

    /// The columns of a pool in the challenge's layout.
    static var poolColumns: [ParquetWriter.Column] {
        featureColumns + [
            ParquetWriter.Column(name: "weights", type: .float),
            ParquetWriter.Column(name: "detailed_labels", type: .byteArray),
            ParquetWriter.Column(name: "labels", type: .int32),
        ]
    }

    /// The rows `rows` of `table` as a row group of ``poolColumns``.
    static func poolRowGroup(_ table: EventTable, rows: Range<Int>) -> [ParquetColumn] {
        // detailed_labels: the process codes index the process names, in code order.
        let names = PhysicsProcess.allCases.sorted().map(\.rawValue)
        let codes = table.processCodes[rows]
        precondition(codes.allSatisfy { Int($0) < names.count }, "process codes are checked when a table is read")
        return table.columns.map { .float(Array($0[rows])) } + [
            .float(Array(table.weights[rows])),
            .strings(codes: codes.map { UInt32($0) }, dictionary: names),
            .int32(codes.map { $0 == PhysicsProcess.htautau.code ? 1 : 0 }),
        ]
    }

    /// Writes every row of the pool file at `pool` to `url`, a row group per block (memory
    /// grows with a block, not with the pool). Returns the rows written.
    @discardableResult
    public static func write(pool: URL, to url: URL) throws -> Int {
        let reader = try PoolReader(url: pool)
        let writer = try ParquetWriter(path: url.path, columns: poolColumns)
        do {
            try reader.forEachBlock { _, block in try writer.writeRowGroup(poolRowGroup(block, rows: 0..<block.count)) }
            try writer.finish(keyValues: ["fair-uq-bench": "pool", "pool_metadata": String(decoding: reader.metadataJSON, as: UTF8.self)])
        } catch {
            writer.cancel()
            throw error
        }
        return Int(writer.rows)
    }
}
