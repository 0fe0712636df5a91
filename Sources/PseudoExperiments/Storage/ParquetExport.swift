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

    /// Writes every row of the pool file at `pool` to `url`, a row group per block (memory
    /// grows with a block, not with the pool). Returns the rows written.
    @discardableResult
    public static func write(pool: URL, to url: URL) throws -> Int {
        let reader = try PoolReader(url: pool)
        let columns = featureColumns + [
            ParquetWriter.Column(name: "weights", type: .float),
            ParquetWriter.Column(name: "detailed_labels", type: .byteArray),
            ParquetWriter.Column(name: "labels", type: .int32),
        ]
        let writer = try ParquetWriter(path: url.path, columns: columns)
        do {
            try reader.forEachBlock { _, block in
                let processes = block.processCodes.map { PhysicsProcess(code: $0) }
                var values: [ParquetWriter.Values] = block.columns.map { .float($0) }
                values.append(.float(block.weights))
                values.append(.strings(processes.map { $0?.rawValue ?? "" }))
                values.append(.int32(processes.map { $0 == .htautau ? 1 : 0 }))
                try writer.writeRowGroup(values)
            }
            try writer.finish(keyValues: ["fair-uq-bench": "pool", "pool_metadata": String(decoding: reader.metadataJSON, as: UTF8.self)])
        } catch {
            writer.cancel()
            throw error
        }
        return Int(writer.rows)
    }
}
