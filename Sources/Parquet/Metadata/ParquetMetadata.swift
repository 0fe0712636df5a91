/// The footer of a Parquet file (`FileMetaData` of `parquet.thrift`), the parts this reader
/// uses: the flat schema, the row groups and their column chunks.
///
/// Only flat schemas are read: a root group whose children are primitive columns, required or
/// optional (a nested or repeated column is refused with ``ParquetError/unsupported(file:column:detail:)``).
public struct ParquetMetadata: Sendable, Equatable {
    /// Physical types (`Type` of parquet.thrift).
    public enum PhysicalType: Int32, Sendable {
        case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6, fixedLenByteArray = 7

        public var name: String {
            switch self {
            case .boolean: return "BOOLEAN"
            case .int32: return "INT32"
            case .int64: return "INT64"
            case .int96: return "INT96"
            case .float: return "FLOAT"
            case .double: return "DOUBLE"
            case .byteArray: return "BYTE_ARRAY"
            case .fixedLenByteArray: return "FIXED_LEN_BYTE_ARRAY"
            }
        }
    }

    /// Compression codecs (`CompressionCodec`).
    public enum Codec: Int32, Sendable {
        case uncompressed = 0, snappy = 1, gzip = 2, lzo = 3, brotli = 4, lz4 = 5, zstd = 6, lz4Raw = 7
    }

    /// One column of the flat schema.
    public struct Column: Sendable, Equatable {
        public var name: String
        public var type: PhysicalType
        /// Optional columns carry definition levels (0 = null, 1 = a value).
        public var optional: Bool
    }

    /// One column chunk of a row group.
    public struct Chunk: Sendable, Equatable {
        public var type: PhysicalType
        public var codec: Codec
        public var values: Int64
        public var dataPageOffset: Int64
        public var dictionaryPageOffset: Int64?
        public var compressedSize: Int64
        public var uncompressedSize: Int64
        /// Where the chunk's pages start (the dictionary page if any).
        public var start: Int64 { dictionaryPageOffset.map { min($0, dataPageOffset) } ?? dataPageOffset }
    }

    /// One row group: its rows and a chunk per schema column, in schema order.
    public struct RowGroup: Sendable, Equatable {
        public var rows: Int64
        public var chunks: [Chunk]
    }

    public var rows: Int64
    public var columns: [Column]
    public var rowGroups: [RowGroup]
    public var createdBy: String?

    /// The index of the column named `name`.
    public func index(of name: String) -> Int? { columns.firstIndex { $0.name == name } }
}

extension ParquetMetadata {
    /// Decodes the footer's Thrift bytes and checks them against the flat-schema rules.
    static func decode(_ footer: UnsafeRawBufferPointer, file: String) throws -> ParquetMetadata {
        var reader = ThriftCompactReader(footer, file: file)
        struct SchemaElement { var type: Int32?; var repetition: Int32?; var name = ""; var children: Int32? }
        var schema: [SchemaElement] = []
        var rows: Int64 = -1
        var groups: [RowGroup] = []
        var createdBy: String?
        try reader.readStruct { r, id, type in
            switch (id, type) {
            case (2, .list):
                schema = try r.readList { r, _ in
                    var e = SchemaElement()
                    try r.readStruct { r, id, type in
                        switch (id, type) {
                        case (1, .i32): e.type = try r.i32()
                        case (3, .i32): e.repetition = try r.i32()
                        case (4, .binary): e.name = try r.string()
                        case (5, .i32): e.children = try r.i32()
                        default: return false
                        }
                        return true
                    }
                    return e
                }
            case (3, .i64): rows = try r.i64()
            case (4, .list): groups = try r.readList { r, _ in try Self.rowGroup(&r) }
            case (6, .binary): createdBy = try r.string()
            default: return false
            }
            return true
        }
        guard let root = schema.first, rows >= 0 else {
            throw ParquetError.corrupt(file: file, detail: "the file metadata has no schema or no row count")
        }
        let leaves = schema.dropFirst()
        guard root.children.map(Int.init) == leaves.count else {
            throw ParquetError.unsupported(file: file, column: nil, detail: "a nested schema (groups inside the root)")
        }
        var columns: [Column] = []
        for e in leaves {
            guard e.children == nil || e.children == 0, let raw = e.type else {
                throw ParquetError.unsupported(file: file, column: e.name, detail: "a nested column (a group)")
            }
            guard let type = PhysicalType(rawValue: raw) else {
                throw ParquetError.corrupt(file: file, detail: "column '\(e.name)' has the unknown physical type \(raw)")
            }
            switch e.repetition ?? 0 {
            case 0, 1: break
            default: throw ParquetError.unsupported(file: file, column: e.name, detail: "a repeated (list) column")
            }
            columns.append(Column(name: e.name, type: type, optional: e.repetition == 1))
        }
        for (g, group) in groups.enumerated() {
            guard group.chunks.count == columns.count else {
                throw ParquetError.corrupt(file: file, detail: "row group \(g) has \(group.chunks.count) column chunks for \(columns.count) columns")
            }
            for (c, chunk) in group.chunks.enumerated() where chunk.type != columns[c].type {
                throw ParquetError.corrupt(file: file, detail: "row group \(g), column '\(columns[c].name)': chunk type \(chunk.type.name), schema type \(columns[c].type.name)")
            }
        }
        guard groups.reduce(0, { $0 + $1.rows }) == rows else {
            throw ParquetError.corrupt(file: file, detail: "the row groups hold \(groups.reduce(0) { $0 + $1.rows }) rows, the footer says \(rows)")
        }
        return ParquetMetadata(rows: rows, columns: columns, rowGroups: groups, createdBy: createdBy)
    }

    private static func rowGroup(_ r: inout ThriftCompactReader) throws -> RowGroup {
        var chunks: [Chunk] = []
        var rows: Int64 = -1
        let file = r.file
        try r.readStruct { r, id, type in
            switch (id, type) {
            case (1, .list):
                chunks = try r.readList { r, _ in
                    var chunk: Chunk?
                    try r.readStruct { r, id, type in
                        switch (id, type) {
                        case (1, .binary):
                            let path = try r.string()
                            if !path.isEmpty {
                                throw ParquetError.unsupported(file: file, column: nil, detail: "a column chunk in another file ('\(path)')")
                            }
                        case (3, .structure): chunk = try Self.columnMetaData(&r)
                        default: return false
                        }
                        return true
                    }
                    guard let chunk else { throw ParquetError.corrupt(file: file, detail: "a column chunk without metadata") }
                    return chunk
                }
            case (3, .i64): rows = try r.i64()
            default: return false
            }
            return true
        }
        guard rows >= 0 else { throw ParquetError.corrupt(file: file, detail: "a row group without a row count") }
        return RowGroup(rows: rows, chunks: chunks)
    }

    private static func columnMetaData(_ r: inout ThriftCompactReader) throws -> Chunk {
        var type: Int32?, codec: Int32?, values: Int64?, data: Int64?, dictionary: Int64?
        var compressed: Int64 = 0, uncompressed: Int64 = 0
        let file = r.file
        try r.readStruct { r, id, t in
            switch (id, t) {
            case (1, .i32): type = try r.i32()
            case (4, .i32): codec = try r.i32()
            case (5, .i64): values = try r.i64()
            case (6, .i64): uncompressed = try r.i64()
            case (7, .i64): compressed = try r.i64()
            case (9, .i64): data = try r.i64()
            case (11, .i64): dictionary = try r.i64()
            default: return false
            }
            return true
        }
        guard let rawType = type, let physical = PhysicalType(rawValue: rawType), let rawCodec = codec,
              let values, let data, values >= 0, data >= 0, compressed >= 0 else {
            throw ParquetError.corrupt(file: file, detail: "a column chunk's metadata is incomplete")
        }
        guard let c = Codec(rawValue: rawCodec) else {
            throw ParquetError.corrupt(file: file, detail: "unknown compression codec \(rawCodec)")
        }
        return Chunk(type: physical, codec: c, values: values, dataPageOffset: data,
                     dictionaryPageOffset: dictionary.flatMap { $0 > 0 ? $0 : nil }, compressedSize: compressed,
                     uncompressedSize: uncompressed)
    }
}
