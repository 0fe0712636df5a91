/// The header before every page of a column chunk (`PageHeader` of parquet.thrift): the kind of
/// page, its sizes and, per kind, its value count and encodings.
struct PageHeader {
    enum Kind: Int32 { case data = 0, index = 1, dictionary = 2, dataV2 = 3 }

    var kind: Kind
    var uncompressedSize: Int
    var compressedSize: Int
    /// Values in the page (nulls included), or entries of a dictionary page.
    var values: Int = 0
    var encoding: Int32 = 0
    /// v1: encoding of the definition levels (3 RLE; 4 BIT_PACKED is deprecated).
    var definitionLevelEncoding: Int32 = 3
    /// v2: bytes of the (uncompressed) repetition and definition levels before the values.
    var repetitionLevelBytes = 0
    var definitionLevelBytes = 0
    var nulls = 0
    /// v2: whether the values part is compressed (default true).
    var isCompressed = true

    /// Reads a header at `reader`'s position, leaving it after the header.
    static func read(_ reader: inout ThriftCompactReader) throws -> PageHeader {
        var kind: Int32?, uncompressed: Int32?, compressed: Int32?
        var header = PageHeader(kind: .data, uncompressedSize: 0, compressedSize: 0)
        try reader.readStruct { r, id, type in
            switch (id, type) {
            case (1, .i32): kind = try r.i32()
            case (2, .i32): uncompressed = try r.i32()
            case (3, .i32): compressed = try r.i32()
            case (5, .structure), (7, .structure):
                // DataPageHeader and DictionaryPageHeader share fields 1 (num_values) and 2
                // (encoding); field 3 is an i32 only in the first (the dictionary's is_sorted
                // is a boolean, skipped by its type).
                try r.readStruct { r, id, type in
                    switch (id, type) {
                    case (1, .i32): header.values = Int(try r.i32())
                    case (2, .i32): header.encoding = try r.i32()
                    case (3, .i32): header.definitionLevelEncoding = try r.i32()
                    default: return false
                    }
                    return true
                }
            case (8, .structure):
                try r.readStruct { r, id, type in
                    switch (id, type) {
                    case (1, .i32): header.values = Int(try r.i32())
                    case (2, .i32): header.nulls = Int(try r.i32())
                    case (4, .i32): header.encoding = try r.i32()
                    case (5, .i32): header.definitionLevelBytes = Int(try r.i32())
                    case (6, .i32): header.repetitionLevelBytes = Int(try r.i32())
                    case (7, .boolTrue): header.isCompressed = true
                    case (7, .boolFalse): header.isCompressed = false
                    default: return false
                    }
                    return true
                }
            default: return false
            }
            return true
        }
        guard let raw = kind, let k = Kind(rawValue: raw), let u = uncompressed, let c = compressed, u >= 0, c >= 0,
              header.values >= 0, header.definitionLevelBytes >= 0, header.repetitionLevelBytes >= 0 else {
            throw ParquetError.corrupt(file: reader.file, detail: "a page header is incomplete or negative")
        }
        header.kind = k
        header.uncompressedSize = Int(u)
        header.compressedSize = Int(c)
        return header
    }
}
