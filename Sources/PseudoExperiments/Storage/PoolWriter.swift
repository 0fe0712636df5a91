import Foundation

/// Writes an ``EventTable`` to a pool file, streaming: rows are appended in chunks of any size
/// and written out in blocks, so a pool never has to fit in memory.
///
/// The file is written under a temporary name in the target's directory and renamed to the
/// target by ``finish(metadata:)``, so a crashed or abandoned writer never leaves anything
/// that looks like a valid pool (and never replaces a good one). Blocks hold exactly
/// `blockRows` rows (the last one fewer) whatever the chunk sizes, so the same rows give the
/// same bytes however they were appended.
///
/// ```swift
/// let writer = try PoolWriter(url: poolURL)
/// for chunk in chunks { try writer.append(chunk) }
/// try writer.finish(metadata: ["simulator": "0.1.0"])
/// ```
public final class PoolWriter {
    /// The file the pool is written to by ``finish(metadata:)``.
    public let url: URL
    /// Rows per block.
    public let blockRows: Int
    /// Compression level (0...9): 1 is the built-in encoder, the others zlib's (``PoolFormat``).
    public let compressionLevel: Int32
    /// Rows appended so far.
    public private(set) var rowCount = 0

    private let temporaryURL: URL
    private var handle: FileHandle?
    private var pending = EventTable()
    private var offset: UInt64 = 0
    private var fileCRC: UInt32 = 0
    private var directory: [(offset: UInt64, rows: Int, columns: [(length: Int, crc: UInt32)])] = []

    /// Creates the temporary file beside `url` and writes the header.
    ///
    /// - Parameters:
    ///   - blockRows: rows per block, 1...``PoolFormat/maximumBlockRows``.
    ///   - compressionLevel: 0...9; the default 1 (the built-in encoder) is documented in ``PoolFormat``.
    public init(url: URL, blockRows: Int = PoolFormat.defaultBlockRows,
                compressionLevel: Int32 = PoolFormat.defaultCompressionLevel) throws {
        precondition((1...PoolFormat.maximumBlockRows).contains(blockRows),
                     "blockRows must be in 1...\(PoolFormat.maximumBlockRows), got \(blockRows)")
        precondition((0...9).contains(compressionLevel), "compressionLevel must be 0...9, got \(compressionLevel)")
        self.url = url
        self.blockRows = blockRows
        self.compressionLevel = compressionLevel
        let directoryURL = url.deletingLastPathComponent()
        temporaryURL = directoryURL.appendingPathComponent(
            ".\(url.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temporaryURL.path, contents: nil) else {
            throw PoolError.io(file: url.path, action: "create",
                               reason: "cannot create a file in directory '\(directoryURL.path)'")
        }
        do {
            handle = try FileHandle(forWritingTo: temporaryURL)
        } catch {
            try? FileManager.default.removeItem(at: temporaryURL)
            throw PoolError.io(file: url.path, action: "create", reason: error.localizedDescription)
        }
        pending.reserveCapacity(blockRows)
        try write(PoolWriter.header(blockRows: blockRows))
    }

    deinit {
        if handle != nil { cancel() }
    }

    /// Appends the rows of `table`. Full blocks are compressed and written at once; the rest
    /// waits for more rows or for ``finish(metadata:)``.
    ///
    /// Throws ``PoolError/nonFiniteValue(file:block:column:row:value:)`` or
    /// ``PoolError/unknownProcessCode(file:block:row:code:)`` (row numbered from the start of
    /// the pool) before writing any row of `table`.
    public func append(_ table: EventTable) throws {
        precondition(handle != nil, "append called on a PoolWriter that has finished or been cancelled")
        try validate(table)
        var start = 0
        if pending.count > 0 {
            let take = min(blockRows - pending.count, table.count)
            appendRows(of: table, start..<take, to: &pending)
            start = take
            if pending.count == blockRows {
                try writeBlock(pending, rows: 0..<blockRows)
                pending = EventTable()
                pending.reserveCapacity(blockRows)
            }
        }
        while table.count - start >= blockRows {
            try writeBlock(table, rows: start..<start + blockRows)
            start += blockRows
        }
        if start < table.count { appendRows(of: table, start..<table.count, to: &pending) }
        rowCount += table.count
    }

    /// Writes the last block, the metadata (encoded as JSON with sorted keys), the directory
    /// and the trailer, then renames the file to ``url`` (replacing any file there).
    public func finish<Metadata: Encodable>(metadata: Metadata) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json: Data
        do { json = try encoder.encode(metadata) } catch {
            throw PoolError.badMetadata(file: url.path, detail: "it cannot be encoded as JSON: \(error)")
        }
        try finish(metadataJSON: json)
    }

    /// Finishes with no metadata (an empty JSON object).
    public func finish() throws {
        try finish(metadataJSON: Data("{}".utf8))
    }

    /// Finishes with metadata given as the UTF-8 bytes of a JSON object, stored as given.
    public func finish(metadataJSON json: Data) throws {
        precondition(handle != nil, "finish called on a PoolWriter that has finished or been cancelled")
        guard (try? JSONSerialization.jsonObject(with: json)) is [String: Any] else {
            throw PoolError.badMetadata(file: url.path, detail: "the metadata is not a JSON object")
        }
        if pending.count > 0 {
            try writeBlock(pending, rows: 0..<pending.count)
            pending = EventTable()
        }
        let metadataOffset = offset
        let metadataBytes = [UInt8](json)
        try write(metadataBytes)
        let directoryOffset = offset
        try write(directoryBytes(metadataOffset: metadataOffset, metadata: metadataBytes))
        var trailer = ByteWriter(capacity: PoolFormat.trailerSize)
        trailer.append(directoryOffset)
        let crc = Zlib.crc32(trailer.bytes, continuing: fileCRC)
        trailer.append(crc)
        trailer.append(UInt32(0))
        trailer.append(bytes: PoolFormat.endMagic)
        try write(trailer.bytes)
        do {
            try handle?.synchronize()
            try handle?.close()
        } catch {
            cancel()
            throw PoolError.io(file: url.path, action: "write", reason: error.localizedDescription)
        }
        handle = nil
        // rename(2) replaces the target atomically.
        guard rename(temporaryURL.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporaryURL)
            throw PoolError.io(file: url.path, action: "move the finished file into place as", reason: reason)
        }
    }

    /// Abandons the pool: closes and deletes the temporary file. The target is untouched.
    public func cancel() {
        try? handle?.close()
        handle = nil
        try? FileManager.default.removeItem(at: temporaryURL)
    }

    // MARK: - Layout

    /// The header: magic, version, flags, block rows, column schema, CRC-32.
    static func header(blockRows: Int) -> [UInt8] {
        var w = ByteWriter(capacity: 1024)
        w.append(bytes: PoolFormat.magic)
        w.append(PoolFormat.version)
        w.append(UInt16(0))
        w.append(UInt32(blockRows))
        w.append(UInt32(PoolFormat.columns.count))
        for column in PoolFormat.columns {
            let name = Array(column.name.utf8)
            w.append(column.type.rawValue)
            w.append(UInt8(name.count))
            w.append(bytes: name)
        }
        w.append(Zlib.crc32(w.bytes))
        return w.bytes
    }

    private func directoryBytes(metadataOffset: UInt64, metadata: [UInt8]) -> [UInt8] {
        var w = ByteWriter(capacity: 40 + directory.count * (12 + 12 * PoolFormat.columns.count))
        w.append(bytes: PoolFormat.directoryMagic)
        w.append(UInt64(rowCount))
        w.append(UInt32(directory.count))
        w.append(metadataOffset)
        w.append(UInt64(metadata.count))
        w.append(Zlib.crc32(metadata))
        for block in directory {
            w.append(block.offset)
            w.append(UInt32(block.rows))
            for column in block.columns {
                w.append(UInt64(column.length))
                w.append(column.crc)
            }
        }
        w.append(Zlib.crc32(w.bytes))
        return w.bytes
    }

    // MARK: - Writing

    private func writeBlock(_ table: EventTable, rows: Range<Int>) throws {
        let encoded = PoolBlockCodec.encode(table, rows: rows, level: compressionLevel)
        let blockOffset = offset
        for column in encoded { try write(column.bytes, crc: column.crc) }
        directory.append((blockOffset, rows.count, encoded.map { ($0.bytes.count, $0.crc) }))
    }

    /// Writes `bytes`, whose CRC-32 is `crc` if given (then the file's CRC is extended by
    /// combination, without a second pass over the bytes).
    private func write(_ bytes: [UInt8], crc: UInt32? = nil) throws {
        guard let handle else { return }
        do {
            try handle.write(contentsOf: bytes)
        } catch {
            cancel()
            throw PoolError.io(file: url.path, action: "write", reason: error.localizedDescription)
        }
        if let crc {
            fileCRC = Zlib.crc32Combine(fileCRC, crc, length: bytes.count)
        } else {
            fileCRC = Zlib.crc32(bytes, continuing: fileCRC)
        }
        offset += UInt64(bytes.count)
    }

    private func validate(_ table: EventTable) throws {
        for c in 0..<PoolFormat.processColumn {
            let values = c == PoolFormat.weightsColumn ? table.weights : table.columns[c]
            if let bad = PoolBlockCodec.firstNonFinite(values) {
                throw PoolError.nonFiniteValue(file: url.path, block: nil, column: PoolFormat.columns[c].name,
                                               row: rowCount + bad, value: values[bad])
            }
        }
        if let bad = table.processCodes.firstIndex(where: { PhysicsProcess(code: $0) == nil }) {
            throw PoolError.unknownProcessCode(file: url.path, block: nil, row: rowCount + bad,
                                               code: table.processCodes[bad])
        }
    }

    private func appendRows(of table: EventTable, _ range: Range<Int>, to target: inout EventTable) {
        for c in 0..<target.columns.count { target.columns[c].append(contentsOf: table.columns[c][range]) }
        target.weights.append(contentsOf: table.weights[range])
        target.processCodes.append(contentsOf: table.processCodes[range])
    }
}
