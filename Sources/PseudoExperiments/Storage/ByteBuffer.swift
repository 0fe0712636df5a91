import Foundation

/// Little-endian encoding of the fixed-width fields of our binary formats.
///
/// The file formats are little-endian on every host; these helpers go through the integers'
/// `littleEndian` representation so that a big-endian machine writes the same bytes.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(bytes more: [UInt8]) { bytes.append(contentsOf: more) }

    mutating func append(bytes more: Data) { bytes.append(contentsOf: more) }
}

/// Reads little-endian fields from a byte array, failing with a description of what is missing
/// instead of trapping on a short buffer.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var position: Int

    init(_ bytes: [UInt8], position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var remaining: Int { bytes.count - position }

    /// The next `T`, or nil when fewer than `MemoryLayout<T>.size` bytes are left.
    mutating func read<T: FixedWidthInteger>(_: T.Type) -> T? {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { return nil }
        var value: T = 0
        for i in 0..<size { value |= T(bytes[position + i]) << (8 * i) }
        position += size
        return value
    }

    /// The next `count` bytes, or nil when fewer are left.
    mutating func read(count: Int) -> [UInt8]? {
        guard count >= 0, remaining >= count else { return nil }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }
}
