import Foundation
/// Decodes the pages of one column chunk into its values: dictionary pages, data pages v1 and
/// v2, PLAIN, dictionary (PLAIN_DICTIONARY, RLE_DICTIONARY), RLE (booleans) and
/// BYTE_STREAM_SPLIT (floats) encodings, definition levels of optional columns (a null is an
/// error: every event needs every value).
///
/// The host is little-endian (x86-64, arm64), as Parquet's PLAIN encoding: fixed-width values
/// are copied as they are.
struct ColumnChunkDecoder {
    let file: String
    let column: ParquetMetadata.Column
    let chunk: ParquetMetadata.Chunk
    let rowGroup: Int
    let rows: Int

    private enum Encoding: Int32 {
        case plain = 0, plainDictionary = 2, rle = 3, bitPacked = 4, deltaBinaryPacked = 5
        case deltaLengthByteArray = 6, deltaByteArray = 7, rleDictionary = 8, byteStreamSplit = 9
    }

    private func bad(_ detail: String) -> ParquetError {
        .badPage(file: file, column: column.name, rowGroup: rowGroup, detail: detail)
    }

    private func unsupported(_ detail: String) -> ParquetError {
        .unsupported(file: file, column: column.name, detail: detail)
    }

    /// What the pages decode into.
    private final class Output {
        var floats: [Float] = [], doubles: [Double] = [], int32s: [Int32] = [], int64s: [Int64] = []
        var booleans: [Bool] = []
        var codes: [UInt32] = []
        var dictionaryStrings: [String] = []
        var stringCodes: [String: UInt32] = [:]
        /// The dictionary page's values, raw, for numeric columns (PLAIN bytes).
        var numericDictionary: [UInt8] = []
        var numericDictionaryCount = 0
        var stringDictionary: [String]?
    }

    func decode(_ bytes: UnsafeRawBufferPointer) throws -> ParquetColumn {
        switch chunk.codec {
        case .uncompressed, .snappy, .gzip, .zstd: break
        default: throw unsupported("the compression codec \(chunk.codec)")
        }
        if column.type == .int96 || column.type == .fixedLenByteArray {
            throw unsupported("the physical type \(column.type.name)")
        }
        let out = Output()
        reserve(out)
        var reader = ThriftCompactReader(bytes, file: file)
        var done = 0
        while done < rows {
            guard reader.position < bytes.count else {
                throw bad("the column chunk ends after \(done) of its \(rows) values")
            }
            let header: PageHeader
            do { header = try PageHeader.read(&reader) } catch let error as ParquetError {
                throw bad("a page header does not decode (\(error))")
            }
            let start = reader.position
            guard header.compressedSize <= bytes.count - start else {
                throw bad("a page of \(header.compressedSize) bytes runs past the column chunk")
            }
            let page = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + header.compressedSize)])
            reader = ThriftCompactReader(bytes, at: start + header.compressedSize, file: file)
            switch header.kind {
            case .index:
                continue
            case .dictionary:
                let data = try Decompression.decompress(page, codec: chunk.codec, into: header.uncompressedSize, fail: bad)
                try data.withUnsafeBytes { try readDictionary($0, count: header.values, encoding: header.encoding, out) }
            case .data:
                guard header.values <= rows - done else { throw bad("a page holds more values than the row group's rows") }
                let data = try Decompression.decompress(page, codec: chunk.codec, into: header.uncompressedSize, fail: bad)
                try data.withUnsafeBytes { page in
                    var values = page
                    if column.optional {
                        guard header.definitionLevelEncoding == Encoding.rle.rawValue else {
                            throw unsupported("definition levels encoded as \(header.definitionLevelEncoding)")
                        }
                        guard page.count >= 4 else { throw bad("a data page ends before its definition levels") }
                        let length = Int(page.loadUnaligned(as: UInt32.self))
                        guard length <= page.count - 4 else { throw bad("definition levels run past their page") }
                        try checkDefined(UnsafeRawBufferPointer(rebasing: page[4..<(4 + length)]), count: header.values, firstRow: done)
                        values = UnsafeRawBufferPointer(rebasing: page[(4 + length)...])
                    }
                    try readValues(values, count: header.values, encoding: header.encoding, out)
                }
                done += header.values
            case .dataV2:
                guard header.values <= rows - done else { throw bad("a page holds more values than the row group's rows") }
                let levels = header.repetitionLevelBytes + header.definitionLevelBytes
                guard levels <= page.count, levels <= header.uncompressedSize else { throw bad("levels run past their page") }
                guard header.repetitionLevelBytes == 0 else { throw unsupported("repetition levels (a list column)") }
                if column.optional {
                    try checkDefined(UnsafeRawBufferPointer(rebasing: page[0..<header.definitionLevelBytes]), count: header.values,
                                     firstRow: done)
                } else if header.nulls > 0 {
                    throw ParquetError.null(file: file, column: column.name, rowGroup: rowGroup, row: done)
                }
                let body = UnsafeRawBufferPointer(rebasing: page[levels...])
                let size = header.uncompressedSize - levels
                let data = header.isCompressed
                    ? try Decompression.decompress(body, codec: chunk.codec, into: size, fail: bad)
                    : try Decompression.decompress(body, codec: .uncompressed, into: size, fail: bad)
                try data.withUnsafeBytes { try readValues($0, count: header.values, encoding: header.encoding, out) }
                done += header.values
            }
        }
        return result(out)
    }

    private func reserve(_ out: Output) {
        switch column.type {
        case .float: out.floats.reserveCapacity(rows)
        case .double: out.doubles.reserveCapacity(rows)
        case .int32: out.int32s.reserveCapacity(rows)
        case .int64: out.int64s.reserveCapacity(rows)
        case .boolean: out.booleans.reserveCapacity(rows)
        case .byteArray: out.codes.reserveCapacity(rows)
        case .int96, .fixedLenByteArray: break
        }
    }

    private func result(_ out: Output) -> ParquetColumn {
        switch column.type {
        case .float: return .float(out.floats)
        case .double: return .double(out.doubles)
        case .int32: return .int32(out.int32s)
        case .int64: return .int64(out.int64s)
        case .boolean: return .boolean(out.booleans)
        case .byteArray, .int96, .fixedLenByteArray: return .strings(codes: out.codes, dictionary: out.dictionaryStrings)
        }
    }

    /// `count` values of the RLE / bit-packing hybrid at `width` bits; `what` names them in the error.
    private func hybrid(_ bytes: UnsafeRawBufferPointer, width: Int, count: Int, _ what: String) throws -> [UInt32] {
        var decoded = [UInt32](repeating: 0, count: count)
        var decoder = RLEHybridDecoder(bytes, width: width)
        do {
            try decoded.withUnsafeMutableBufferPointer { try decoder.decode(count, into: $0.baseAddress!) }
        } catch {
            throw bad("\(what) do not decode")
        }
        return decoded
    }

    /// The code of string `s`, added to the output's dictionary when new.
    private func intern(_ s: String, _ out: Output) -> UInt32 {
        if let code = out.stringCodes[s] { return code }
        let code = UInt32(out.dictionaryStrings.count)
        out.dictionaryStrings.append(s)
        out.stringCodes[s] = code
        return code
    }

    /// Definition levels (width 1) of `count` values: all must be 1 (defined).
    private func checkDefined(_ levels: UnsafeRawBufferPointer, count: Int, firstRow: Int) throws {
        let decoded = try hybrid(levels, width: 1, count: count, "the definition levels")
        if let i = decoded.firstIndex(where: { $0 != 1 }) {
            throw ParquetError.null(file: file, column: column.name, rowGroup: rowGroup, row: firstRow + i)
        }
    }

    private var valueBytes: Int {
        switch column.type {
        case .float, .int32: return 4
        case .double, .int64: return 8
        default: return 0
        }
    }

    private func readDictionary(_ data: UnsafeRawBufferPointer, count: Int, encoding: Int32, _ out: Output) throws {
        guard encoding == Encoding.plain.rawValue || encoding == Encoding.plainDictionary.rawValue else {
            throw unsupported("a dictionary page encoded as \(encoding)")
        }
        if column.type == .byteArray {
            var strings: [String] = []
            strings.reserveCapacity(count)
            var p = 0
            for _ in 0..<count {
                guard p + 4 <= data.count else { throw bad("the dictionary page ends early") }
                let n = Int(UnsafeRawBufferPointer(rebasing: data[p..<(p + 4)]).loadUnaligned(as: UInt32.self))
                guard n <= data.count - p - 4 else { throw bad("a dictionary string runs past its page") }
                strings.append(String(decoding: UnsafeRawBufferPointer(rebasing: data[(p + 4)..<(p + 4 + n)]), as: UTF8.self))
                p += 4 + n
            }
            out.stringDictionary = strings
            out.dictionaryStrings = strings
        } else {
            let width = valueBytes
            guard width > 0 else { throw unsupported("a dictionary of \(column.type.name) values") }
            guard count * width <= data.count else { throw bad("the dictionary page ends early") }
            out.numericDictionary = Array(UnsafeRawBufferPointer(rebasing: data[0..<(count * width)]))
            out.numericDictionaryCount = count
        }
    }

    private func readValues(_ data: UnsafeRawBufferPointer, count: Int, encoding raw: Int32, _ out: Output) throws {
        guard let encoding = Encoding(rawValue: raw) else { throw bad("unknown encoding \(raw)") }
        switch encoding {
        case .plain:
            try readPlain(data, count: count, out)
        case .plainDictionary, .rleDictionary:
            guard data.count >= 1 else { throw bad("dictionary indices without their bit width") }
            let indices = try hybrid(UnsafeRawBufferPointer(rebasing: data[1...]), width: Int(data[0]), count: count,
                                     "the dictionary indices")
            try appendDictionary(indices, out)
        case .rle:
            guard column.type == .boolean else { throw unsupported("RLE values of \(column.type.name)") }
            guard data.count >= 4 else { throw bad("RLE booleans without their length") }
            let length = Int(data.loadUnaligned(as: UInt32.self))
            guard length <= data.count - 4 else { throw bad("RLE booleans run past their page") }
            let bits = try hybrid(UnsafeRawBufferPointer(rebasing: data[4..<(4 + length)]), width: 1, count: count,
                                  "RLE booleans")
            out.booleans.append(contentsOf: bits.lazy.map { $0 != 0 })
        case .byteStreamSplit:
            let width = valueBytes
            guard width > 0 else { throw unsupported("BYTE_STREAM_SPLIT values of \(column.type.name)") }
            guard count * width <= data.count else { throw bad("a page ends before its \(count) values") }
            var joined = [UInt8](repeating: 0, count: count * width)
            for k in 0..<count { for b in 0..<width { joined[k * width + b] = data[b * count + k] } }
            try joined.withUnsafeBytes { try readPlain($0, count: count, out) }
        case .bitPacked, .deltaBinaryPacked, .deltaLengthByteArray, .deltaByteArray:
            throw unsupported("the encoding \(encoding)")
        }
    }

    private func readPlain(_ data: UnsafeRawBufferPointer, count: Int, _ out: Output) throws {
        func copy<T: AdditiveArithmetic>(_ array: inout [T], _ type: T.Type) throws {
            let n = count * MemoryLayout<T>.size
            guard n <= data.count else { throw bad("a page ends before its \(count) values") }
            let start = array.count
            array.append(contentsOf: repeatElement(T.zero, count: count))
            if n > 0 {
                array.withUnsafeMutableBytes { dst in
                    (dst.baseAddress! + start * MemoryLayout<T>.size).copyMemory(from: data.baseAddress!, byteCount: n)
                }
            }
        }
        switch column.type {
        case .float: try copy(&out.floats, Float.self)
        case .double: try copy(&out.doubles, Double.self)
        case .int32: try copy(&out.int32s, Int32.self)
        case .int64: try copy(&out.int64s, Int64.self)
        case .boolean:
            guard (count + 7) / 8 <= data.count else { throw bad("a page ends before its \(count) booleans") }
            for i in 0..<count { out.booleans.append(data[i >> 3] >> UInt8(i & 7) & 1 == 1) }
        case .byteArray:
            // A column of labels holds a few distinct strings: each value's bytes are compared
            // with the (few) strings seen so far before a String is made and hashed.
            var known = out.dictionaryStrings.map { Array($0.utf8) }
            var p = 0
            values: for _ in 0..<count {
                guard p + 4 <= data.count else { throw bad("a page ends before its \(count) strings") }
                let n = Int(UnsafeRawBufferPointer(rebasing: data[p..<(p + 4)]).loadUnaligned(as: UInt32.self))
                guard n <= data.count - p - 4 else { throw bad("a string runs past its page") }
                let bytes = UnsafeRawBufferPointer(rebasing: data[(p + 4)..<(p + 4 + n)])
                p += 4 + n
                if known.count <= 16 {
                    for (code, candidate) in known.enumerated() where candidate.count == n {
                        let same = candidate.withUnsafeBytes { n == 0 || memcmp($0.baseAddress!, bytes.baseAddress!, n) == 0 }
                        if same {
                            out.codes.append(UInt32(code))
                            continue values
                        }
                    }
                }
                let before = out.dictionaryStrings.count
                out.codes.append(intern(String(decoding: bytes, as: UTF8.self), out))
                if out.dictionaryStrings.count > before { known.append(Array(bytes)) }
            }
        case .int96, .fixedLenByteArray:
            throw unsupported("the physical type \(column.type.name)")
        }
    }

    private func appendDictionary(_ indices: [UInt32], _ out: Output) throws {
        if column.type == .byteArray {
            guard let dictionary = out.stringDictionary else { throw bad("dictionary indices before any dictionary page") }
            if let bad = indices.first(where: { Int($0) >= dictionary.count }) {
                throw self.bad("dictionary index \(bad) of a dictionary of \(dictionary.count)")
            }
            guard out.stringCodes.isEmpty else {
                // Plain pages came first: map the dictionary's strings into the codes so far.
                for i in indices { out.codes.append(intern(dictionary[Int(i)], out)) }
                return
            }
            out.codes.append(contentsOf: indices)
            return
        }
        if column.type == .boolean { throw unsupported("a dictionary of booleans") }
        let n = out.numericDictionaryCount
        guard n > 0 || indices.isEmpty else { throw bad("dictionary indices before any dictionary page") }
        if let largest = indices.max(), Int(largest) >= n {
            throw bad("dictionary index \(largest) of a dictionary of \(n)")
        }
        try out.numericDictionary.withUnsafeBytes { dict in
            // Every index is checked above: the gather writes through pointers.
            func gather<T: AdditiveArithmetic>(_ array: inout [T], _ type: T.Type) {
                let values = dict.bindMemory(to: T.self)
                let start = array.count
                array.append(contentsOf: repeatElement(T.zero, count: indices.count))
                array.withUnsafeMutableBufferPointer { dst in
                    indices.withUnsafeBufferPointer { src in
                        let base = dst.baseAddress! + start
                        for k in 0..<src.count { base[k] = values[Int(src[k])] }
                    }
                }
            }
            switch column.type {
            case .float: gather(&out.floats, Float.self)
            case .double: gather(&out.doubles, Double.self)
            case .int32: gather(&out.int32s, Int32.self)
            case .int64: gather(&out.int64s, Int64.self)
            default: throw unsupported("a dictionary of \(column.type.name) values")
            }
        }
    }
}
