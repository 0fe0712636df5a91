/// A reader of the Thrift compact protocol, the encoding of Parquet's file metadata and page
/// headers (`parquet.thrift`, Apache Thrift's `TCompactProtocol`).
///
/// Wire format, as read here:
/// ```
/// varint      7 bits per byte, least significant group first, high bit = more
/// i16/i32/i64 zigzag varint: (n << 1) ^ (n >> 63)
/// binary      varint length, then the bytes
/// field       one byte: high nibble = id delta from the previous field (0: a zigzag i16 id
///             follows), low nibble = type (0 stop, 1 true, 2 false, 3 byte, 4 i16, 5 i32,
///             6 i64, 7 double, 8 binary, 9 list, 10 set, 11 map, 12 struct)
/// list/set    one byte: high nibble = size (15: a varint size follows), low nibble = element type
/// map         varint size; when > 0 one byte: key type (high), value type (low)
/// ```
/// Why our own: the metadata of one file is a few kB to a few MB and needs a dozen structs;
/// no Thrift library is among this machine's Swift packages, and a generated one would be far
/// larger than this reader. Every read is bounds-checked: a truncated or corrupt header throws
/// ``ParquetError/corrupt(file:detail:)`` instead of reading past the buffer.
struct ThriftCompactReader {
    /// Thrift compact type codes.
    enum WireType: UInt8 {
        case stop = 0, boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7
        case binary = 8, list = 9, set = 10, map = 11, structure = 12
    }

    private let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    let file: String
    /// Field ids of the enclosing structs (compact field ids are deltas within a struct).
    private var lastFieldIDs: [Int16] = []
    private var lastFieldID: Int16 = 0
    /// Nesting depth guard: a corrupt header must not recurse without end.
    private static let maximumDepth = 64

    init(_ bytes: UnsafeRawBufferPointer, at position: Int = 0, file: String) {
        self.bytes = bytes
        self.position = position
        self.file = file
    }

    private func corrupt(_ detail: String) -> ParquetError {
        .corrupt(file: file, detail: "\(detail) (Thrift metadata at byte \(position))")
    }

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw corrupt("the metadata ends early") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            guard shift < 64 else { throw corrupt("a varint longer than 10 bytes") }
        }
    }

    mutating func zigzag() throws -> Int64 {
        let v = try varint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    mutating func i32() throws -> Int32 {
        let v = try zigzag()
        guard let x = Int32(exactly: v) else { throw corrupt("\(v) does not fit a 32-bit field") }
        return x
    }

    mutating func i64() throws -> Int64 { try zigzag() }

    mutating func double() throws -> Double {
        guard position + 8 <= bytes.count else { throw corrupt("the metadata ends early") }
        var bits: UInt64 = 0
        for k in 0..<8 { bits |= UInt64(bytes[position + k]) << (8 * UInt64(k)) }
        position += 8
        return Double(bitPattern: bits)
    }

    mutating func binary() throws -> [UInt8] {
        let n = try varint()
        guard n <= UInt64(bytes.count - position) else { throw corrupt("a string of \(n) bytes runs past the metadata") }
        defer { position += Int(n) }
        return Array(bytes[position..<(position + Int(n))])
    }

    mutating func string() throws -> String {
        String(decoding: try binary(), as: UTF8.self)
    }

    /// Enters a struct (its field ids start again from 0).
    mutating func beginStruct() throws {
        guard lastFieldIDs.count < Self.maximumDepth else { throw corrupt("structs nested deeper than \(Self.maximumDepth)") }
        lastFieldIDs.append(lastFieldID)
        lastFieldID = 0
    }

    mutating func endStruct() {
        lastFieldID = lastFieldIDs.popLast() ?? 0
    }

    /// The next field's id and type, or nil at the struct's stop byte. A boolean field carries
    /// its value in the type (`boolTrue`, `boolFalse`).
    mutating func fieldHeader() throws -> (id: Int16, type: WireType)? {
        let b = try byte()
        guard let type = WireType(rawValue: b & 0x0F) else { throw corrupt("unknown field type \(b & 0x0F)") }
        if type == .stop { return nil }
        let delta = Int16(b >> 4)
        if delta != 0 {
            lastFieldID &+= delta
        } else {
            let id = try zigzag()
            guard let x = Int16(exactly: id) else { throw corrupt("field id \(id)") }
            lastFieldID = x
        }
        return (lastFieldID, type)
    }

    /// A list (or set) header: element count and type.
    mutating func listHeader() throws -> (count: Int, type: WireType) {
        let b = try byte()
        guard let type = WireType(rawValue: b & 0x0F) else { throw corrupt("unknown list element type \(b & 0x0F)") }
        var count = UInt64(b >> 4)
        if count == 15 { count = try varint() }
        // Each element takes at least one byte: a count beyond the bytes left is corrupt.
        guard count <= UInt64(bytes.count - position) else { throw corrupt("a list of \(count) elements runs past the metadata") }
        return (Int(count), type)
    }

    /// A boolean list element (one byte each: 1 true; 0 or 2 false).
    mutating func boolElement() throws -> Bool { try byte() == 1 }

    /// Skips a value of `type` (fields this reader does not need).
    mutating func skip(_ type: WireType, depth: Int = 0) throws {
        guard depth < Self.maximumDepth else { throw corrupt("values nested deeper than \(Self.maximumDepth)") }
        switch type {
        case .stop: throw corrupt("a stop where a value was expected")
        case .boolTrue, .boolFalse: break
        case .byte: _ = try byte()
        case .i16, .i32, .i64: _ = try varint()
        case .double: _ = try double()
        case .binary: _ = try binary()
        case .list, .set:
            let (count, element) = try listHeader()
            for _ in 0..<count {
                if element == .boolTrue || element == .boolFalse { _ = try byte() } else { try skip(element, depth: depth + 1) }
            }
        case .map:
            let count = try varint()
            guard count <= UInt64(bytes.count - position) else { throw corrupt("a map of \(count) entries runs past the metadata") }
            if count > 0 {
                let kv = try byte()
                guard let k = WireType(rawValue: kv >> 4), let v = WireType(rawValue: kv & 0x0F) else {
                    throw corrupt("unknown map types \(kv)")
                }
                for _ in 0..<count {
                    if k == .boolTrue || k == .boolFalse { _ = try byte() } else { try skip(k, depth: depth + 1) }
                    if v == .boolTrue || v == .boolFalse { _ = try byte() } else { try skip(v, depth: depth + 1) }
                }
            }
        case .structure:
            try beginStruct()
            while let (_, t) = try fieldHeader() { try skip(t, depth: depth + 1) }
            endStruct()
        }
    }

    /// Reads a struct field by field: `body` handles the fields it knows (returning true) and
    /// the rest are skipped.
    mutating func readStruct(_ body: (inout ThriftCompactReader, Int16, WireType) throws -> Bool) throws {
        try beginStruct()
        while let (id, type) = try fieldHeader() {
            if try !body(&self, id, type) { try skip(type) }
        }
        endStruct()
    }

    /// Reads a list of `element`s with `body`.
    mutating func readList<T>(_ body: (inout ThriftCompactReader, WireType) throws -> T) throws -> [T] {
        let (count, type) = try listHeader()
        var out: [T] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try body(&self, type)) }
        return out
    }
}
