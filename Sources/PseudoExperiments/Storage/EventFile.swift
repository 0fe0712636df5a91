import Foundation
import Parquet

/// Event files of any format the harness reads, recognised by their content: a pool
/// (`pool-format-v1.md`), a Parquet file (the challenge's own data) or a CSV file.
///
/// ```
/// starts with the pool magic                 pool
/// starts with "PAR1"                         Parquet (whatever its name)
/// a name ending in .csv                      CSV (the CSV reader says what is wrong with it)
/// otherwise                                  pool (the pool reader says what the file is not)
/// ```
/// A Parquet file is imported once into a pool in the cache (``ParquetImport/cached(_:part:sumWeights:directory:)``)
/// and read from there after, so a second run on a 6.5 GB file starts at once.
///
/// ```swift
/// let table = try EventFile.readTable(URL(fileURLWithPath: "FAIR_Universe_HiggsML_data.parquet"))
/// ```
public enum EventFile {
    public enum Format: String, Sendable, Codable {
        case pool
        case parquet
        case csv
    }

    /// The format of the file at `url`, by its first bytes (see the type's documentation).
    public static func format(of url: URL) -> Format {
        if PoolReader.looksLikePool(url) { return .pool }
        if ParquetReader.looksLikeParquet(path: url.path) { return .parquet }
        return url.pathExtension.lowercased() == "csv" ? .csv : .pool
    }

    /// Every event of the file at `url` (of `part` for a Parquet file, weights rescaled to
    /// `sumWeights` when given) as one table.
    public static func readTable(_ url: URL, part: ParquetEvents.Part = .all,
                                 sumWeights: Double? = nil) throws -> EventTable {
        switch format(of: url) {
        case .pool: return try PoolReader.read(url).table
        case .csv: return try EventTable.readCSV(from: url).table
        case .parquet:
            let entry = try ParquetImport.cached(url, part: part, sumWeights: sumWeights)
            return try PoolReader.read(entry.url).table
        }
    }

    /// A pool file holding the events of `url`: `url` itself for a pool, the cached import of
    /// a Parquet file, nil for a CSV file (read it with ``readTable(_:part:sumWeights:)``).
    public static func poolURL(for url: URL, part: ParquetEvents.Part = .all,
                               sumWeights: Double? = nil) throws -> URL? {
        switch format(of: url) {
        case .pool: return url
        case .csv: return nil
        case .parquet: return try ParquetImport.cached(url, part: part, sumWeights: sumWeights).url
        }
    }
}
