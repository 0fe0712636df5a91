import CSnappy
import Foundation

/// Writes flat Parquet files that pyarrow, pandas and polars read: required (non-null) columns
/// of FLOAT, DOUBLE, INT32, INT64, BOOLEAN or UTF-8 strings, PLAIN encoded, one data page (v1)
/// per column chunk, SNAPPY-compressed (libsnappy, the codec every reader has) or not, any
/// number of row groups. For users who analyse the harness's events in Python.
///
/// The file is written under a temporary name beside `path` and renamed by ``finish(keyValues:)``,
/// so an abandoned writer leaves nothing under `path`.
///
/// A row group is given as the ``ParquetColumn`` values the reader returns (strings as codes
/// into a dictionary, written out PLAIN).
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
    private var rowGroups: [(rows: Int64, bytes: Int64, chunks: [(offset: Int64, values: Int64, compressed: Int64, uncompressed: Int64)])] = []

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
        var chunks: [(offset: Int64, values: Int64, compressed: Int64, uncompressed: Int64)] = []
        var total: Int64 = 0
        for v in values {
            let plain = v.plain
            let page = try compress(plain)
            var header = ThriftCompactWriter()
            header.structBody { h in
                h.i32(1, 0)                                   // DATA_PAGE
                h.i32(2, Int32(plain.count))
                h.i32(3, Int32(page.count))
                h.structure(5) { d in
                    d.i32(1, Int32(count))
                    d.i32(2, 0)                               // PLAIN
                    d.i32(3, 3)                               // RLE (no levels: required, flat)
                    d.i32(4, 3)
                }
            }
            let start = offset
            try write(header.bytes)
            try write(page)
            let uncompressed = Int64(header.bytes.count + plain.count)
            chunks.append((start, Int64(count), offset - start, uncompressed))
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
                    c.i64(2, chunk.offset)
                    c.structure(3) { m in
                        m.i32(1, column.type.rawValue)
                        m.i32List(2, [0, 3])                  // PLAIN, RLE
                        m.stringList(3, [column.name])
                        m.i32(4, self.codec.rawValue)
                        m.i64(5, chunk.values)
                        m.i64(6, chunk.uncompressed)
                        m.i64(7, chunk.compressed)
                        m.i64(9, chunk.offset)
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
            let entries = dictionary.map { s -> [UInt8] in
                let n = UInt32(s.utf8.count)
                return [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)] + Array(s.utf8)
            }
            var out: [UInt8] = []
            out.reserveCapacity(codes.reduce(0) { $0 + entries[Int($1)].count })
            for code in codes { out += entries[Int(code)] }
            return out
        }
    }
}
