import CSnappy
import Foundation

/// Writes flat Parquet files that pyarrow, pandas and polars read: required (non-null) columns
/// of FLOAT, DOUBLE, INT32, INT64, BOOLEAN or UTF-8 strings, one data page (v1) per column
/// chunk, SNAPPY-compressed (libsnappy, the codec every reader has) or not, any number of row
/// groups. For users who analyse the harness's events in Python. Numbers are PLAIN encoded;
/// strings dictionary-encoded as the challenge's own files are (a PLAIN dictionary page, then
/// RLE_DICTIONARY indices: RLE runs for repeats, bit-packed runs otherwise).
///
/// The file is written under a temporary name beside `path` and renamed by ``finish(keyValues:)``,
/// so an abandoned writer leaves nothing under `path`.
///
/// A row group is given as the ``ParquetColumn`` values the reader returns (strings as codes
/// into a dictionary).
///
/// ```swift
/// let writer = try ParquetWriter(path: "view.parquet", columns: [.init(name: "PRI_met", type: .float)])
/// try writer.writeRowGroup([.float(mets)])
/// try writer.finish()
/// ```
public final class ParquetWriter {
    /// One column of the schema.
    public struct Column: Sendable, Equatable {
        public var name: String
        public var type: ParquetMetadata.PhysicalType
        public init(name: String, type: ParquetMetadata.PhysicalType) {
            precondition([.boolean, .int32, .int64, .float, .double, .byteArray].contains(type),
                         "ParquetWriter writes BOOLEAN, INT32, INT64, FLOAT, DOUBLE and strings, not \(type.name)")
            self.name = name
            self.type = type
        }
    }

    public let path: String
    public let columns: [Column]
    public let codec: ParquetMetadata.Codec
    public private(set) var rows: Int64 = 0

    private let temporaryPath: String
    private var handle: FileHandle?
    private var offset: Int64 = 0
    private typealias Chunk = (offset: Int64, dictionaryOffset: Int64?, values: Int64, compressed: Int64, uncompressed: Int64)
    private var rowGroups: [(rows: Int64, bytes: Int64, chunks: [Chunk])] = []

    /// Creates the temporary file and writes the leading magic.
    ///
    /// - Parameter codec: `.snappy` (default) or `.uncompressed`.
    public init(path: String, columns: [Column], codec: ParquetMetadata.Codec = .snappy) throws {
        precondition(codec == .snappy || codec == .uncompressed, "ParquetWriter writes SNAPPY or UNCOMPRESSED pages")
        precondition(!columns.isEmpty && Set(columns.map(\.name)).count == columns.count, "columns need distinct names")
        self.path = path
        self.columns = columns
        self.codec = codec
        let url = URL(fileURLWithPath: path)
        temporaryPath = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: temporaryPath, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporaryPath) else {
            throw ParquetError.io(file: path, action: "create", reason: "cannot create a file in '\(url.deletingLastPathComponent().path)'")
        }
        self.handle = handle
        try write(ParquetReader.magic)
    }

    deinit { if handle != nil { cancel() } }

    /// Appends one row group: one value array per schema column, in schema order, all of one length.
    public func writeRowGroup(_ values: [ParquetColumn]) throws {
        precondition(values.count == columns.count, "a row group needs \(columns.count) columns, got \(values.count)")
        let count = values.first?.count ?? 0
        for (column, v) in zip(columns, values) {
            precondition(v.physicalType == column.type, "column \(column.name) is \(column.type.name), got \(v.physicalType.name) values")
            precondition(v.count == count, "column \(column.name) has \(v.count) values, the row group \(count)")
            if case let .strings(codes, dictionary) = v {
                precondition(codes.allSatisfy { Int($0) < dictionary.count }, "column \(column.name) has a code past its dictionary")
            }
        }
        guard count > 0 else { return }
        var chunks: [Chunk] = []
        var total: Int64 = 0
        for v in values {
            let start = offset
            var uncompressed: Int64 = 0
            var dictionaryOffset: Int64?
            let data: [UInt8], encoding: Int32
            if case let .strings(codes, dictionary) = v {
                dictionaryOffset = offset
                uncompressed += try writePage(ParquetColumn.plain(strings: dictionary), type: 2, field: 7) { d in   // DICTIONARY_PAGE
                    d.i32(1, Int32(dictionary.count))
                    d.i32(2, 0)                               // PLAIN
                }
                data = Self.dictionaryIndices(codes, dictionarySize: dictionary.count)
                encoding = 8                                  // RLE_DICTIONARY
            } else {
                data = v.plain
                encoding = 0                                  // PLAIN
            }
            let dataOffset = offset
            uncompressed += try writePage(data, type: 0, field: 5) { d in   // DATA_PAGE
                d.i32(1, Int32(count))
                d.i32(2, encoding)
                d.i32(3, 3)                                   // RLE (no levels: required, flat)
                d.i32(4, 3)
            }
            chunks.append((dataOffset, dictionaryOffset, Int64(count), offset - start, uncompressed))
            total += uncompressed
        }
        rowGroups.append((Int64(count), total, chunks))
        rows += Int64(count)
    }

    /// Writes the footer (with `keyValues` as the file's key-value metadata) and renames the
    /// file into place.
    public func finish(keyValues: [String: String] = [:]) throws {
        precondition(handle != nil, "finish on a ParquetWriter that has finished or been cancelled")
        var footer = ThriftCompactWriter()
        footer.structBody { f in
            f.i32(1, 1)
            let schema: [Column?] = [nil] + columns.map { $0 }
            f.structList(2, schema) { e, column in
                guard let column else {
                    e.string(4, "schema")
                    e.i32(5, Int32(self.columns.count))
                    return
                }
                e.i32(1, column.type.rawValue)
                e.i32(3, 0)                                   // REQUIRED
                e.string(4, column.name)
                if column.type == .byteArray {
                    e.i32(6, 0)                               // converted type UTF8
                    e.structure(10) { l in l.structure(1) { _ in } }   // logical type STRING
                }
            }
            f.i64(3, rows)
            f.structList(4, rowGroups) { g, group in
                g.structList(1, Array(zip(self.columns, group.chunks))) { c, pair in
                    let (column, chunk) = pair
                    c.i64(2, chunk.dictionaryOffset ?? chunk.offset)
                    c.structure(3) { m in
                        m.i32(1, column.type.rawValue)
                        m.i32List(2, chunk.dictionaryOffset == nil ? [0, 3] : [0, 3, 8])   // PLAIN, RLE, RLE_DICTIONARY
                        m.stringList(3, [column.name])
                        m.i32(4, self.codec.rawValue)
                        m.i64(5, chunk.values)
                        m.i64(6, chunk.uncompressed)
                        m.i64(7, chunk.compressed)
                        m.i64(9, chunk.offset)
                        if let dictionary = chunk.dictionaryOffset { m.i64(11, dictionary) }
                    }
                }
                g.i64(2, group.bytes)
                g.i64(3, group.rows)
            }
            if !keyValues.isEmpty {
                f.structList(5, keyValues.sorted { $0.key < $1.key }) { kv, pair in
                    kv.string(1, pair.key)
                    kv.string(2, pair.value)
                }
            }
            f.string(6, "fair-uq-bench")
        }
        let length = UInt32(footer.bytes.count)
        try write(footer.bytes)
        try write([UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)])
        try write(ParquetReader.magic)
        do {
            try handle?.synchronize()
            try handle?.close()
        } catch {
            cancel()
            throw ParquetError.io(file: path, action: "write", reason: error.localizedDescription)
        }
        handle = nil
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporaryPath)
            throw ParquetError.io(file: path, action: "move the finished file into place as", reason: reason)
        }
    }

    /// Abandons the file: the temporary file is removed, `path` untouched.
    public func cancel() {
        try? handle?.close()
        handle = nil
        try? FileManager.default.removeItem(atPath: temporaryPath)
    }

    /// Writes one page of `type` (0 DATA_PAGE, 2 DICTIONARY_PAGE) whose type-specific header is
    /// struct field `field` written by `header`; returns its uncompressed size with the header.
    private func writePage(_ body: [UInt8], type: Int32, field: Int16,
                           _ header: (inout ThriftCompactWriter) -> Void) throws -> Int64 {
        let page = try compress(body)
        var h = ThriftCompactWriter()
        h.structBody { h in
            h.i32(1, type)
            h.i32(2, Int32(body.count))
            h.i32(3, Int32(page.count))
            h.structure(field, header)
        }
        try write(h.bytes)
        try write(page)
        return Int64(h.bytes.count + body.count)
    }

    /// RLE_DICTIONARY data: the bit width of the indices in one byte, then the RLE /
    /// bit-packing hybrid (``RLEHybridDecoder`` reads it): an RLE run for each stretch of 8 or
    /// more equal codes, the codes between them in bit-packed groups of 8 (the last group padded).
    static func dictionaryIndices(_ codes: [UInt32], dictionarySize: Int) -> [UInt8] {
        var width = 1
        while (1 << width) < dictionarySize { width += 1 }
        var out: [UInt8] = [UInt8(width)]
        func varint(_ v: Int) {
            var v = UInt64(v)
            while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
            out.append(UInt8(v))
        }
        var literals: [UInt32] = []
        func flushLiterals() {
            guard !literals.isEmpty else { return }
            let groups = (literals.count + 7) / 8
            varint(groups << 1 | 1)
            var accumulator: UInt64 = 0, bits = 0
            for k in 0..<(groups * 8) {
                accumulator |= UInt64(k < literals.count ? literals[k] : 0) << UInt64(bits)
                bits += width
                while bits >= 8 {
                    out.append(UInt8(truncatingIfNeeded: accumulator))
                    accumulator >>= 8
                    bits -= 8
                }
            }
            literals.removeAll(keepingCapacity: true)
        }
        var i = 0
        while i < codes.count {
            var j = i + 1
            while j < codes.count, codes[j] == codes[i] { j += 1 }
            if j - i >= 8 + (8 - literals.count % 8) % 8 {
                // Complete the literals' last group from the run, then the rest as an RLE run.
                let borrowed = (8 - literals.count % 8) % 8
                literals.append(contentsOf: repeatElement(codes[i], count: borrowed))
                flushLiterals()
                varint((j - i - borrowed) << 1)
                for k in 0..<((width + 7) / 8) { out.append(UInt8(truncatingIfNeeded: codes[i] >> (8 * UInt32(k)))) }
            } else {
                literals.append(contentsOf: codes[i..<j])
            }
            i = j
        }
        flushLiterals()
        return out
    }

    private func compress(_ plain: [UInt8]) throws -> [UInt8] {
        guard codec == .snappy else { return plain }
        var length = snappy_max_compressed_length(plain.count)
        var out = [UInt8](repeating: 0, count: length)
        let status = plain.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                snappy_compress(src.baseAddress?.assumingMemoryBound(to: CChar.self), plain.count,
                                dst.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
            }
        }
        guard status == SNAPPY_OK else {
            throw ParquetError.io(file: path, action: "compress a page of", reason: "snappy failed (\(status))")
        }
        return Array(out.prefix(length))
    }

    private func write(_ bytes: [UInt8]) throws {
        do { try handle?.write(contentsOf: bytes) } catch {
            cancel()
            throw ParquetError.io(file: path, action: "write", reason: error.localizedDescription)
        }
        offset += Int64(bytes.count)
    }
}

extension ParquetColumn {
    /// The physical type that stores these values.
    var physicalType: ParquetMetadata.PhysicalType {
        switch self {
        case .boolean: return .boolean
        case .int32: return .int32
        case .int64: return .int64
        case .float: return .float
        case .double: return .double
        case .strings: return .byteArray
        }
    }

    /// PLAIN strings: each one's UTF-8 length (4 bytes, little-endian), then its bytes. The
    /// encoding of a dictionary page.
    static func plain(strings: [String]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(strings.reduce(0) { $0 + 4 + $1.utf8.count })
        for s in strings {
            let n = UInt32(s.utf8.count)
            out += [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)]
            out += s.utf8
        }
        return out
    }

    /// The PLAIN encoding of the values (strings: each row's dictionary entry).
    var plain: [UInt8] {
        func raw<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }   // little-endian hosts
        switch self {
        case let .float(v): return raw(v)
        case let .double(v): return raw(v)
        case let .int32(v): return raw(v)
        case let .int64(v): return raw(v)
        case let .boolean(v):
            var out = [UInt8](repeating: 0, count: (v.count + 7) / 8)
            for (i, b) in v.enumerated() where b { out[i >> 3] |= 1 << UInt8(i & 7) }
            return out
        case let .strings(codes, dictionary):
            return Self.plain(strings: codes.map { dictionary[Int($0)] })
        }
    }
}
