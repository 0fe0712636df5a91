/// A writer of the Thrift compact protocol (the wire format ``ThriftCompactReader`` reads and
/// documents), for the footer and page headers of the files ``ParquetWriter`` writes.
///
/// Our own for the reason the reader is: a dozen small structs, no Thrift library among this
/// machine's Swift packages.
struct ThriftCompactWriter {
    typealias WireType = ThriftCompactReader.WireType

    private(set) var bytes: [UInt8] = []
    private var lastFieldIDs: [Int16] = []
    private var lastFieldID: Int16 = 0

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private mutating func zigzag(_ value: Int64) {
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    private mutating func fieldHeader(_ id: Int16, _ type: WireType) {
        let delta = id - lastFieldID
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            zigzag(Int64(id))
        }
        lastFieldID = id
    }

    mutating func i32(_ id: Int16, _ value: Int32) {
        fieldHeader(id, .i32)
        zigzag(Int64(value))
    }

    mutating func i64(_ id: Int16, _ value: Int64) {
        fieldHeader(id, .i64)
        zigzag(value)
    }

    mutating func string(_ id: Int16, _ value: String) {
        fieldHeader(id, .binary)
        let utf8 = Array(value.utf8)
        varint(UInt64(utf8.count))
        bytes += utf8
    }

    /// A struct field: `body` writes its fields.
    mutating func structure(_ id: Int16, _ body: (inout ThriftCompactWriter) -> Void) {
        fieldHeader(id, .structure)
        structBody(body)
    }

    /// The fields of a struct and its stop byte (a top-level struct, or a list element).
    mutating func structBody(_ body: (inout ThriftCompactWriter) -> Void) {
        lastFieldIDs.append(lastFieldID)
        lastFieldID = 0
        body(&self)
        bytes.append(WireType.stop.rawValue)
        lastFieldID = lastFieldIDs.removeLast()
    }

    private mutating func listHeader(_ id: Int16, count: Int, _ element: WireType) {
        fieldHeader(id, .list)
        if count < 15 {
            bytes.append(UInt8(count) << 4 | element.rawValue)
        } else {
            bytes.append(0xF0 | element.rawValue)
            varint(UInt64(count))
        }
    }

    mutating func i32List(_ id: Int16, _ values: [Int32]) {
        listHeader(id, count: values.count, .i32)
        for v in values { zigzag(Int64(v)) }
    }

    mutating func stringList(_ id: Int16, _ values: [String]) {
        listHeader(id, count: values.count, .binary)
        for v in values {
            let utf8 = Array(v.utf8)
            varint(UInt64(utf8.count))
            bytes += utf8
        }
    }

    mutating func structList<T>(_ id: Int16, _ values: [T], _ body: (inout ThriftCompactWriter, T) -> Void) {
        listHeader(id, count: values.count, .structure)
        for v in values { structBody { body(&$0, v) } }
    }
}
