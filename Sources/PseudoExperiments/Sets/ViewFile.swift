import Foundation

/// The file of one materialized pseudo-experiment: its sealed view (28 Float32 feature columns),
/// compressed and checksummed. Nothing else: no weights, processes, truths or seeds.
///
/// Layout (integers little-endian; `datasets-spec/set-directory-v1.md` has the byte tables):
/// ```
/// header   8  magic 89 46 55 51 56 49 45 57 (0x89 "FUQVIEW")
///          2  version 1, 2 flags 0, 4 column count C = 28, 8 rows N
///          C x (8 compressed length, 4 CRC-32 of the compressed stream)
///          4  CRC-32 of the header bytes before it
/// streams  C zlib streams, column c inflating to the 4N byte-shuffled bytes of its Float32 values
///          (all first bytes, then all second bytes, ...: as in the pool format)
/// trailer  4  CRC-32 of every byte before it, 8 end magic 89 46 55 51 56 45 4E 44 (0x89 "FUQVEND")
/// ```
/// Files are written under a temporary name and renamed when complete. Reading checks the magic,
/// version, header CRC, total size, trailer, file CRC, each stream's CRC before inflating it, and
/// its inflated length; a mismatch is an error and the data is never used.
public enum ViewFile {
    public static let version: UInt16 = 1
    static let magic: [UInt8] = [0x89, 0x46, 0x55, 0x51, 0x56, 0x49, 0x45, 0x57]
    static let endMagic: [UInt8] = [0x89, 0x46, 0x55, 0x51, 0x56, 0x45, 0x4E, 0x44]
    static let columns = Feature.allCases.count
    static let headerBytes = 8 + 2 + 2 + 4 + 8 + columns * 12 + 4
    static let trailerBytes = 12

    /// The file's bytes for `view`, columns compressed in parallel at zlib level `level`.
    public static func encode(_ view: SealedView, level: Int32 = PoolFormat.defaultCompressionLevel) -> [UInt8] {
        let n = view.count
        let streams = UnsafeMutableBufferPointer<[UInt8]>.allocate(capacity: columns)
        streams.initialize(repeating: [])
        defer { streams.deinitialize(); streams.deallocate() }
        let slots = SendableSlots(streams)
        DispatchQueue.concurrentPerform(iterations: columns) { c in
            let raw = PoolBlockCodec.shuffle(view.column(Feature.allCases[c]))
            slots.buffer[c] = raw.withUnsafeBytes { Zlib.deflate($0, segments: PoolBlockCodec.planes(raw, bytesPerRow: 4), level: level) }
        }
        var w = ByteWriter(capacity: headerBytes + streams.reduce(0) { $0 + $1.count } + trailerBytes)
        w.append(bytes: magic)
        w.append(version)
        w.append(UInt16(0))
        w.append(UInt32(columns))
        w.append(UInt64(n))
        for stream in streams {
            w.append(UInt64(stream.count))
            w.append(Zlib.crc32(stream))
        }
        w.append(Zlib.crc32(w.bytes))
        for stream in streams { w.append(bytes: stream) }
        w.append(Zlib.crc32(w.bytes))
        w.append(bytes: endMagic)
        return w.bytes
    }

    /// Decodes and checks the bytes of a view file (`file` names it in errors).
    public static func decode(_ bytes: [UInt8], file: String) throws -> SealedView {
        func corrupt(_ detail: String) -> SetError { .corruptFile(file: file, detail: detail) }
        guard bytes.count >= magic.count, Array(bytes.prefix(magic.count)) == magic else {
            throw corrupt("it does not start with the view-file magic bytes, so it is not a pseudo-experiment file")
        }
        guard bytes.count >= headerBytes + trailerBytes else {
            throw SetError.truncatedFile(file: file, detail: "\(bytes.count) bytes, shorter than a header and trailer")
        }
        var r = ByteReader(bytes, position: magic.count)
        let fileVersion = r.read(UInt16.self) ?? 0
        guard fileVersion == version else {
            throw SetError.unsupportedVersion(file: file, what: "pseudo-experiment file format", found: Int(fileVersion), supported: Int(version))
        }
        _ = r.read(UInt16.self)
        let declaredColumns = Int(r.read(UInt32.self) ?? 0)
        let rows = r.read(UInt64.self) ?? 0
        guard declaredColumns == columns else { throw corrupt("it declares \(declaredColumns) columns; version 1 has \(columns)") }
        var lengths: [Int] = [], crcs: [UInt32] = []
        for _ in 0..<columns {
            lengths.append(Int(clamping: r.read(UInt64.self) ?? 0))
            crcs.append(r.read(UInt32.self) ?? 0)
        }
        let storedHeaderCRC = r.read(UInt32.self) ?? 0
        guard Zlib.crc32(Array(bytes[0..<(headerBytes - 4)])) == storedHeaderCRC else {
            throw corrupt("the header's checksum does not match")
        }
        guard rows <= UInt64(Int32.max) else { throw corrupt("it declares \(rows) rows") }
        let n = Int(rows)
        let expectedSize = lengths.reduce(headerBytes + trailerBytes) { $0 + $1 }
        guard Array(bytes.suffix(endMagic.count)) == endMagic, bytes.count >= expectedSize else {
            throw SetError.truncatedFile(file: file, detail: "\(bytes.count) bytes where the header announces \(expectedSize), or the end marker is missing")
        }
        guard bytes.count == expectedSize else { throw corrupt("\(bytes.count) bytes where the header announces \(expectedSize)") }
        var tail = ByteReader(bytes, position: bytes.count - trailerBytes)
        let storedFileCRC = tail.read(UInt32.self) ?? 0
        guard Zlib.crc32(Array(bytes[0..<(bytes.count - trailerBytes)])) == storedFileCRC else {
            throw corrupt("the file's checksum does not match")
        }
        var values = [Float](repeating: 0, count: columns * n)
        var start = headerBytes
        for c in 0..<columns {
            let stream = Array(bytes[start..<(start + lengths[c])])
            start += lengths[c]
            guard Zlib.crc32(stream) == crcs[c] else {
                throw corrupt("the checksum of column \(Feature.allCases[c].rawValue) does not match")
            }
            var raw = [UInt8](repeating: 0, count: 4 * n)
            do {
                try stream.withUnsafeBytes { input in
                    try raw.withUnsafeMutableBytes { output in try Zlib.inflate(input, into: output) }
                }
            } catch let error as Zlib.StreamError {
                throw corrupt("column \(Feature.allCases[c].rawValue) does not decompress (\(error.message))")
            }
            let column = PoolBlockCodec.unshuffle(raw, count: n)
            values.replaceSubrange((c * n)..<((c + 1) * n), with: column)
        }
        return SealedView(count: n, columnMajor: values)
    }

    /// Writes `view` to `url` atomically (a temporary file beside it, then a rename).
    public static func write(_ view: SealedView, to url: URL) throws {
        try AtomicFile.write(Data(encode(view)), to: url)
    }

    /// Reads and checks the view file at `url`.
    public static func read(_ url: URL) throws -> SealedView {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SetError.io(file: url.path, action: "read", reason: AtomicFile.reason(error))
        }
        return try decode([UInt8](data), file: url.path)
    }

    /// SHA-256 of the view's values as Float32 little-endian bytes, column after column: the
    /// content identity of a pseudo-experiment, independent of compression.
    public static func valuesSHA256(_ view: SealedView) -> String {
        var hasher = SHA256()
        for f in Feature.allCases { view.withColumn(f) { hasher.update(UnsafeRawBufferPointer($0)) } }
        return hasher.finalize().hex
    }
}
