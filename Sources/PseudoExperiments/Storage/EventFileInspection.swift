import Foundation

/// What an event file holds: its format, size and layout, the per-process rows and weight
/// sums, per-feature ranges and means, and (for pools) the metadata. Behind `bench inspect`.
///
/// A pool is read block by block (never whole in memory) and fully verified on the way: every
/// column checksum, every value and the whole-file checksum, so inspecting a pool also proves
/// it intact. A CSV file is read with ``EventTable/readCSV(from:)``.
///
/// ```swift
/// let inspection = try EventFileInspection.inspect(URL(fileURLWithPath: "events.pool"))
/// print(inspection.text())
/// ```
public struct EventFileInspection: Sendable {
    /// The file formats `inspect` reads.
    public enum Format: String, Sendable, Codable {
        case pool
        case parquet
        case csv
    }

    /// The file, as given.
    public var file: String
    public var format: Format
    public var fileSize: UInt64
    /// Pool only: the format version, rows per block and number of blocks.
    public var formatVersion: Int?
    public var blockRows: Int?
    public var blocks: Int?
    /// CSV only: whether the DER columns were absent and computed from the PRI columns.
    public var derivedFeaturesComputed: Bool?
    public var summary: EventTableSummary
    /// Pool only: the metadata's JSON bytes as stored.
    public var metadataJSON: Data?

    /// Inspects the file at `url`, recognised by content (``EventFile/format(of:)``): a pool, a
    /// Parquet file (`blocks` are its row groups) or a CSV file.
    public static func inspect(_ url: URL) throws -> EventFileInspection {
        let format = EventFile.format(of: url)
        if format == .parquet {
            // Read directly, a row group at a time (inspecting does not import).
            let events = try ParquetEvents(path: url.path)
            var summary = EventTableSummary()
            try events.forEachTable(part: .all, sumWeights: nil) { summary.add($0) }
            return EventFileInspection(file: url.path, format: .parquet, fileSize: UInt64(events.reader.fileSize),
                                       formatVersion: nil, blockRows: nil,
                                       blocks: events.reader.metadata.rowGroups.count, derivedFeaturesComputed: nil,
                                       summary: summary, metadataJSON: nil)
        }
        if format == .pool {
            let reader = try PoolReader(url: url)
            let size = reader.fileSize
            var summary = EventTableSummary()
            try reader.forEachBlock { _, block in summary.add(block) }
            return EventFileInspection(file: url.path, format: .pool, fileSize: size,
                                       formatVersion: reader.formatVersion, blockRows: reader.blockRows,
                                       blocks: reader.blocks.count, derivedFeaturesComputed: nil,
                                       summary: summary, metadataJSON: reader.metadataJSON)
        }
        let contents = try EventTable.readCSV(from: url)
        let size = ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.uint64Value ?? 0
        return EventFileInspection(file: url.path, format: .csv, fileSize: size, formatVersion: nil,
                                   blockRows: nil, blocks: nil,
                                   derivedFeaturesComputed: contents.derivedFeaturesComputed,
                                   summary: EventTableSummary(contents.table), metadataJSON: nil)
    }
}
