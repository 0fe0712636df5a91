import Foundation

/// Reads a pool file written by ``PoolWriter``: the whole table at once or block by block.
///
/// Opening reads and checks the header, the directory and the metadata (magic, version,
/// checksums, layout); each block is checked against its column checksums before it is
/// decompressed, and every value is checked (finite floats, known process codes). The
/// whole-file checksum is checked by ``readAll()`` and at the end of ``forEachBlock(_:)``.
///
/// ```swift
/// let reader = try PoolReader(url: poolURL)
/// try reader.forEachBlock { index, block in total += block.count }
/// let table = try PoolReader(url: poolURL).readAll()
/// ```
public final class PoolReader {
    /// One block of the directory.
    public struct BlockInfo: Equatable, Sendable {
        /// Offset of the block's first byte in the file.
        public var offset: UInt64
        /// Rows in the block.
        public var rows: Int
        /// Index of the block's first row in the table.
        public var firstRow: Int
        /// Compressed length of each column stream, in file column order.
        public var compressedLengths: [Int]
        /// CRC-32 of each column stream.
        public var checksums: [UInt32]

        /// Total bytes of the block.
        public var byteCount: Int { compressedLengths.reduce(0, +) }
    }

    /// The file being read.
    public let url: URL
    /// The file's format version.
    public let formatVersion: Int
    /// The writer's rows per block.
    public let blockRows: Int
    /// Rows in the whole table.
    public let rowCount: Int
    /// The directory: one entry per block, in file order.
    public let blocks: [BlockInfo]
    /// The metadata block: UTF-8 bytes of a JSON object, exactly as written.
    public let metadataJSON: Data
    /// Size of the file in bytes.
    public let fileSize: UInt64

    private let handle: FileHandle
    private let headerBytes: [UInt8]
    /// Bytes from the metadata to the end of the checksummed part of the trailer.
    private let tailBytes: [UInt8]
    private let storedFileCRC: UInt32

    private var file: String { url.path }

    /// Opens `url` and checks its header, directory and metadata.
    public init(url: URL) throws {
        self.url = url
        let path = url.path
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw PoolError.io(file: path, action: "open", reason: PoolReader.reason(error))
        }
        let size: UInt64
        do { size = try handle.seekToEnd() } catch {
            throw PoolError.io(file: path, action: "read", reason: PoolReader.reason(error))
        }
        fileSize = size

        // Header: magic first (a CSV passed by mistake should be called "not a pool"), then
        // the version (a later version may lay the rest out differently), then the rest.
        let head = try PoolReader.read(handle, at: 0, count: Int(min(size, 4096)), file: path)
        let magicLength = PoolFormat.magic.count
        guard Array(head.prefix(magicLength)) == Array(PoolFormat.magic.prefix(head.count)) else {
            throw PoolError.wrongMagic(file: path, found: Array(head.prefix(magicLength)))
        }
        var r = ByteReader(head, position: magicLength)
        guard let version = r.read(UInt16.self) else {
            throw PoolError.truncated(file: path, detail: "the file is \(size) bytes, shorter than a pool header")
        }
        guard version == PoolFormat.version else {
            throw PoolError.unsupportedVersion(file: path, version: Int(version), supported: Int(PoolFormat.version))
        }
        formatVersion = Int(version)
        let headerLength = try PoolReader.parseHeaderLength(head, file: path, size: size)
        headerBytes = Array(head.prefix(headerLength))
        let headerCRC = Zlib.crc32(Array(headerBytes.dropLast(4)))
        var crcReader = ByteReader(headerBytes, position: headerLength - 4)
        let storedHeaderCRC = crcReader.read(UInt32.self) ?? 0
        guard headerCRC == storedHeaderCRC else {
            throw PoolError.checksumMismatch(file: path, region: "the header", stored: storedHeaderCRC, computed: headerCRC)
        }
        r = ByteReader(headerBytes, position: magicLength + 4)
        let declaredBlockRows = Int(r.read(UInt32.self) ?? 0)
        guard (1...PoolFormat.maximumBlockRows).contains(declaredBlockRows) else {
            throw PoolError.corruptLayout(file: path, detail: "the header declares \(declaredBlockRows) rows per block")
        }
        blockRows = declaredBlockRows
        try PoolReader.checkSchema(headerBytes, file: path)

        // Trailer.
        let trailerSize = PoolFormat.trailerSize
        guard size >= UInt64(headerLength + trailerSize) else {
            throw PoolError.truncated(file: path, detail: "the file is \(size) bytes and ends before its trailer")
        }
        let trailer = try PoolReader.read(handle, at: size - UInt64(trailerSize), count: trailerSize, file: path)
        guard Array(trailer.suffix(8)) == PoolFormat.endMagic else {
            throw PoolError.truncated(file: path, detail: "the end marker is missing or damaged")
        }
        var t = ByteReader(trailer)
        let directoryOffset = t.read(UInt64.self) ?? 0
        storedFileCRC = t.read(UInt32.self) ?? 0
        let trailerStart = size - UInt64(trailerSize)
        guard directoryOffset >= UInt64(headerLength), directoryOffset < trailerStart else {
            throw PoolError.corruptLayout(file: path, detail: "the directory offset \(directoryOffset) lies outside the file")
        }

        // Directory.
        let directoryBytes = try PoolReader.read(handle, at: directoryOffset,
                                                 count: Int(trailerStart - directoryOffset), file: path)
        let parsed = try PoolReader.parseDirectory(directoryBytes, file: path, headerLength: headerLength,
                                                   directoryOffset: directoryOffset, blockRows: declaredBlockRows)
        rowCount = parsed.rows
        blocks = parsed.blocks

        // Metadata: between the last block and the directory.
        let metadataBytes = try PoolReader.read(handle, at: parsed.metadataOffset,
                                                count: Int(directoryOffset - parsed.metadataOffset), file: path)
        let metadataCRC = Zlib.crc32(metadataBytes)
        guard metadataCRC == parsed.metadataCRC else {
            throw PoolError.checksumMismatch(file: path, region: "the metadata", stored: parsed.metadataCRC,
                                             computed: metadataCRC)
        }
        metadataJSON = Data(metadataBytes)
        tailBytes = metadataBytes + directoryBytes + Array(trailer.prefix(8))
    }

    deinit { try? handle.close() }

    /// The metadata decoded as `type`.
    public func metadata<Metadata: Decodable>(as type: Metadata.Type) throws -> Metadata {
        do { return try JSONDecoder().decode(type, from: metadataJSON) } catch {
            throw PoolError.badMetadata(file: file, detail: "it does not decode as \(type): \(error)")
        }
    }

    /// Block `index`, checked against its checksums and decoded.
    public func readBlock(_ index: Int) throws -> EventTable {
        precondition(blocks.indices.contains(index), "block \(index) out of range 0..<\(blocks.count)")
        return try decode(index, bytes: readBlockBytes(index))
    }

    /// Calls `body` with each block in file order, then checks the whole-file checksum (each
    /// block has already been checked against its own column checksums before `body` sees it).
    public func forEachBlock(_ body: (_ index: Int, _ block: EventTable) throws -> Void) throws {
        var crc = Zlib.crc32(headerBytes)
        for index in blocks.indices {
            let bytes = try readBlockBytes(index)
            crc = Zlib.crc32(bytes, continuing: crc)
            try body(index, try decode(index, bytes: bytes))
        }
        crc = Zlib.crc32(tailBytes, continuing: crc)
        guard crc == storedFileCRC else {
            throw PoolError.checksumMismatch(file: file, region: "the whole file", stored: storedFileCRC, computed: crc)
        }
    }

    /// The whole table. The whole-file checksum is checked before the table is returned.
    public func readAll() throws -> EventTable {
        var table = EventTable()
        table.reserveCapacity(rowCount)
        try forEachBlock { _, block in table.append(contentsOf: block) }
        return table
    }

    /// Reads a whole pool: its table and its metadata bytes.
    public static func read(_ url: URL) throws -> (table: EventTable, metadataJSON: Data) {
        let reader = try PoolReader(url: url)
        return (try reader.readAll(), reader.metadataJSON)
    }

    /// Whether the file at `url` starts with the pool magic bytes (a cheap sniff, no checks).
    public static func looksLikePool(_ url: URL) -> Bool {
        guard let h = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? h.close() }
        let head = (try? h.read(upToCount: PoolFormat.magic.count)) ?? Data()
        return [UInt8](head) == PoolFormat.magic
    }

    // MARK: - Blocks

    private func readBlockBytes(_ index: Int) throws -> [UInt8] {
        let info = blocks[index]
        return try PoolReader.read(handle, at: info.offset, count: info.byteCount, file: file)
    }

    private func decode(_ index: Int, bytes: [UInt8]) throws -> EventTable {
        let info = blocks[index]
        var streams: [ArraySlice<UInt8>] = []
        var start = 0
        for (c, length) in info.compressedLengths.enumerated() {
            let stream = bytes[start..<start + length]
            let crc = stream.withUnsafeBytes { Zlib.crc32($0) }
            guard crc == info.checksums[c] else {
                throw PoolError.checksumMismatch(file: file, region: "block \(index), column \(PoolFormat.columns[c].name)",
                                                 stored: info.checksums[c], computed: crc)
            }
            streams.append(stream)
            start += length
        }
        return try PoolBlockCodec.decode(streams: streams, rows: info.rows, file: file, block: index,
                                         firstRow: info.firstRow)
    }

    // MARK: - Parsing

    /// Length of the header (through its CRC), from the column schema it declares.
    private static func parseHeaderLength(_ head: [UInt8], file: String, size: UInt64) throws -> Int {
        var r = ByteReader(head, position: PoolFormat.magic.count + 8)
        let cut = { PoolError.truncated(file: file, detail: "the file is \(size) bytes and ends inside its header") }
        guard let columnCount = r.read(UInt32.self) else { throw cut() }
        guard columnCount == PoolFormat.columns.count else {
            throw PoolError.corruptLayout(file: file, detail: "the header declares \(columnCount) columns; version 1 has \(PoolFormat.columns.count)")
        }
        for _ in 0..<columnCount {
            guard r.read(UInt8.self) != nil, let nameLength = r.read(UInt8.self),
                  r.read(count: Int(nameLength)) != nil else { throw cut() }
        }
        guard r.read(UInt32.self) != nil else { throw cut() }
        return r.position
    }

    /// Checks that the header's column schema is version 1's.
    private static func checkSchema(_ header: [UInt8], file: String) throws {
        var r = ByteReader(header, position: PoolFormat.magic.count + 12)
        for expected in PoolFormat.columns {
            let type = r.read(UInt8.self) ?? 0
            let length = Int(r.read(UInt8.self) ?? 0)
            let name = String(decoding: r.read(count: length) ?? [], as: UTF8.self)
            guard name == expected.name, type == expected.type.rawValue else {
                throw PoolError.corruptLayout(file: file, detail: "the header declares column '\(name)' of type \(type) where version 1 has '\(expected.name)' of type \(expected.type.rawValue)")
            }
        }
    }

    private struct ParsedDirectory {
        var rows: Int
        var blocks: [BlockInfo]
        var metadataOffset: UInt64
        var metadataCRC: UInt32
    }

    private static func parseDirectory(_ bytes: [UInt8], file: String, headerLength: Int,
                                       directoryOffset: UInt64, blockRows: Int) throws -> ParsedDirectory {
        let bad = { (detail: String) in PoolError.corruptLayout(file: file, detail: detail) }
        guard bytes.count >= 4 + 4, Array(bytes.prefix(4)) == PoolFormat.directoryMagic else {
            throw bad("the directory does not start with its marker FDIR")
        }
        let stored = ByteReader(bytes, position: bytes.count - 4).bytes.suffix(4)
            .enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) }
        let computed = Zlib.crc32(Array(bytes.dropLast(4)))
        guard stored == computed else {
            throw PoolError.checksumMismatch(file: file, region: "the block directory", stored: stored, computed: computed)
        }
        var r = ByteReader(Array(bytes.dropLast(4)), position: 4)
        guard let totalRows = r.read(UInt64.self), let blockCount = r.read(UInt32.self),
              let metadataOffset = r.read(UInt64.self), let metadataLength = r.read(UInt64.self),
              let metadataCRC = r.read(UInt32.self) else { throw bad("the directory is too short") }
        let columnCount = PoolFormat.columns.count
        guard r.remaining == Int(blockCount) * (12 + 12 * columnCount) else {
            throw bad("the directory's length does not match its \(blockCount) blocks")
        }
        var blocks: [BlockInfo] = []
        blocks.reserveCapacity(Int(blockCount))
        var expectedOffset = UInt64(headerLength)
        var firstRow = 0
        for index in 0..<Int(blockCount) {
            let offset = r.read(UInt64.self) ?? 0
            let rows = Int(r.read(UInt32.self) ?? 0)
            var lengths: [Int] = [], checksums: [UInt32] = []
            for _ in 0..<columnCount {
                let length = r.read(UInt64.self) ?? 0
                guard length <= directoryOffset else { throw bad("block \(index) declares a column of \(length) bytes") }
                lengths.append(Int(length))
                checksums.append(r.read(UInt32.self) ?? 0)
            }
            guard offset == expectedOffset else {
                throw bad("block \(index) starts at byte \(offset), not at \(expectedOffset) where the previous part ends")
            }
            guard (1...blockRows).contains(rows) else {
                throw bad("block \(index) declares \(rows) rows (1...\(blockRows) allowed)")
            }
            blocks.append(BlockInfo(offset: offset, rows: rows, firstRow: firstRow,
                                    compressedLengths: lengths, checksums: checksums))
            expectedOffset += UInt64(lengths.reduce(0, +))
            guard expectedOffset <= directoryOffset else { throw bad("block \(index) extends past the directory") }
            firstRow += rows
        }
        guard UInt64(firstRow) == totalRows else {
            throw bad("the blocks hold \(firstRow) rows but the directory declares \(totalRows)")
        }
        guard metadataOffset == expectedOffset, metadataOffset + metadataLength == directoryOffset else {
            throw bad("the metadata (\(metadataLength) bytes at \(metadataOffset)) does not fill the gap between the last block (ending at \(expectedOffset)) and the directory (at \(directoryOffset))")
        }
        return ParsedDirectory(rows: firstRow, blocks: blocks, metadataOffset: metadataOffset, metadataCRC: metadataCRC)
    }

    // MARK: - I/O

    private static func read(_ handle: FileHandle, at offset: UInt64, count: Int, file: String) throws -> [UInt8] {
        let data: Data?
        do {
            try handle.seek(toOffset: offset)
            data = try handle.read(upToCount: count)
        } catch {
            throw PoolError.io(file: file, action: "read", reason: reason(error))
        }
        let bytes = [UInt8](data ?? Data())
        guard bytes.count == count else {
            throw PoolError.truncated(file: file, detail: "wanted \(count) bytes at offset \(offset), got \(bytes.count)")
        }
        return bytes
    }

    private static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError { return underlying.localizedDescription }
        return ns.localizedDescription
    }
}
