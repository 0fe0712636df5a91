#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Reads flat Parquet files, one column chunk at a time, so that memory grows with a row group
/// and not with the file.
///
/// What it covers, the files physicists have (pyarrow, pandas, polars, Spark): flat schemas of
/// required or optional columns; BOOLEAN, INT32, INT64, FLOAT, DOUBLE and BYTE_ARRAY (strings);
/// PLAIN, PLAIN_DICTIONARY / RLE_DICTIONARY, RLE (booleans) and BYTE_STREAM_SPLIT encodings;
/// data pages v1 and v2; any number of row groups; UNCOMPRESSED, SNAPPY, GZIP and ZSTD. Nulls,
/// nested or repeated columns, other encodings and codecs are refused with a
/// ``ParquetError`` naming the file, the column and the row group.
///
/// ```swift
/// let file = try ParquetReader(path: "FAIR_Universe_HiggsML_data.parquet")
/// file.metadata.rows                                    // 98_700_000
/// let mass = try file.column("DER_mass_vis", rowGroup: 0).floats
/// ```
/// Layout (Parquet format 2): `PAR1`, column chunks of pages (each a Thrift page header and its
/// bytes), the Thrift `FileMetaData`, its length as 4 bytes little-endian, `PAR1`.
public final class ParquetReader: @unchecked Sendable {
    public static let magic: [UInt8] = Array("PAR1".utf8)

    public let path: String
    public let metadata: ParquetMetadata
    public let fileSize: Int
    private let fd: Int32

    /// Whether the file at `path` starts with the Parquet magic (content, not extension).
    public static func looksLikeParquet(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 4)).map { Array($0) == magic } ?? false
    }

    public init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ParquetError.io(file: path, action: "open", reason: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ParquetError.io(file: path, action: "read", reason: reason)
        }
        fileSize = Int(info.st_size)
        do {
            metadata = try Self.readFooter(fd: fd, size: fileSize, path: path)
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }

    private static func read(fd: Int32, offset: Int, count: Int, path: String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        try out.withUnsafeMutableBytes { buffer in
            while done < count {
                let n = pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ParquetError.io(file: path, action: "read", reason: String(cString: strerror(errno)))
                }
                if n == 0 { throw ParquetError.notParquet(file: path, detail: "it ends at byte \(offset + done), before its data") }
                done += n
            }
        }
        return out
    }

    private static func readFooter(fd: Int32, size: Int, path: String) throws -> ParquetMetadata {
        guard size >= 12 else { throw ParquetError.notParquet(file: path, detail: "it holds only \(size) bytes") }
        let head = try read(fd: fd, offset: 0, count: 4, path: path)
        guard head == magic else { throw ParquetError.notParquet(file: path, detail: "it does not start with PAR1") }
        let tail = try read(fd: fd, offset: size - 8, count: 8, path: path)
        guard Array(tail[4..<8]) == magic else {
            throw ParquetError.notParquet(file: path, detail: "it does not end with PAR1 (truncated, or still being written)")
        }
        let length = Int(UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
        guard length > 0, length <= size - 12 else {
            throw ParquetError.corrupt(file: path, detail: "its footer length \(length) does not fit its \(size) bytes")
        }
        let footer = try read(fd: fd, offset: size - 8 - length, count: length, path: path)
        let metadata = try footer.withUnsafeBytes { try ParquetMetadata.decode($0, file: path) }
        for (g, group) in metadata.rowGroups.enumerated() {
            for (c, chunk) in group.chunks.enumerated() {
                guard chunk.start >= 4, chunk.compressedSize >= 0, chunk.start + chunk.compressedSize <= Int64(size - 8 - length) else {
                    throw ParquetError.badPage(file: path, column: metadata.columns[c].name, rowGroup: g,
                                               detail: "the column chunk lies outside the file's data (the file is truncated or damaged)")
                }
            }
        }
        return metadata
    }

    /// The values of column `name` in row group `rowGroup`.
    ///
    /// - Throws: ``ParquetError/missingColumn(file:column:available:)``, and for the chunk's
    ///   pages ``ParquetError/badPage(file:column:rowGroup:detail:)``, ``ParquetError/null(file:column:rowGroup:row:)``,
    ///   ``ParquetError/unsupported(file:column:detail:)``.
    public func column(_ name: String, rowGroup: Int) throws -> ParquetColumn {
        guard let index = metadata.index(of: name) else {
            throw ParquetError.missingColumn(file: path, column: name, available: metadata.columns.map(\.name))
        }
        return try column(at: index, rowGroup: rowGroup)
    }

    /// The values of the column at `index` of the schema in row group `rowGroup`.
    public func column(at index: Int, rowGroup: Int) throws -> ParquetColumn {
        precondition(metadata.rowGroups.indices.contains(rowGroup), "row group \(rowGroup) of \(metadata.rowGroups.count)")
        let group = metadata.rowGroups[rowGroup]
        let chunk = group.chunks[index]
        let bytes = try Self.read(fd: fd, offset: Int(chunk.start), count: Int(chunk.compressedSize), path: path)
        let decoder = ColumnChunkDecoder(file: path, column: metadata.columns[index], chunk: chunk, rowGroup: rowGroup,
                                         rows: Int(group.rows))
        return try bytes.withUnsafeBytes { try decoder.decode($0) }
    }
}
