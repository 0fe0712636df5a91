/// Parquet's RLE / bit-packing hybrid, the encoding of definition levels, of dictionary indices
/// and of RLE booleans:
/// ```
/// run        := varint header, then
///               header & 1 == 0: an RLE run of (header >> 1) copies of one value,
///                                stored in ceil(width / 8) little-endian bytes
///               header & 1 == 1: (header >> 1) groups of 8 values, bit-packed, `width` bits
///                                each, least significant bit first
/// ```
/// A run may end past the values wanted (the last bit-packed group is padded); a run that
/// reads past the buffer is corrupt.
struct RLEHybridDecoder {
    private let bytes: UnsafeRawBufferPointer
    private var position: Int
    private let width: Int

    init(_ bytes: UnsafeRawBufferPointer, width: Int) {
        self.bytes = bytes
        position = 0
        self.width = width
    }

    enum Failure: Error { case truncated, badWidth }

    private mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard position < bytes.count, shift < 64 else { throw Failure.truncated }
            let b = bytes[position]
            position += 1
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// Decodes `count` values into `out` (which holds at least `count`).
    mutating func decode(_ count: Int, into out: UnsafeMutablePointer<UInt32>) throws {
        guard (0...32).contains(width) else { throw Failure.badWidth }
        var done = 0
        let mask: UInt64 = width == 64 ? ~0 : (1 << UInt64(width)) - 1
        while done < count {
            let header = try varint()
            if header & 1 == 0 {
                let run = Int(clamping: header >> 1)
                let valueBytes = (width + 7) / 8
                guard position + valueBytes <= bytes.count else { throw Failure.truncated }
                var value: UInt32 = 0
                for k in 0..<valueBytes { value |= UInt32(bytes[position + k]) << (8 * UInt32(k)) }
                position += valueBytes
                let n = min(run, count - done)
                (out + done).initialize(repeating: value, count: n)
                done += n
            } else {
                let groups = Int(clamping: header >> 1)
                let total = groups * 8
                let byteCount = groups * width
                guard byteCount <= bytes.count - position else { throw Failure.truncated }
                let n = min(total, count - done)
                if width == 0 {
                    (out + done).initialize(repeating: 0, count: n)
                } else {
                    // Value i starts at bit i * width of the run: one unaligned 8-byte load
                    // holds it whole (width <= 32, shift <= 7), while 8 bytes remain.
                    let remaining = bytes.count - position
                    let fast = remaining < 8 ? 0 : min(n, ((remaining - 8) * 8) / width + 1)
                    let base = bytes.baseAddress! + position
                    var bit = 0
                    for i in 0..<fast {
                        let word = (base + (bit >> 3)).loadUnaligned(as: UInt64.self)
                        out[done + i] = UInt32(truncatingIfNeeded: (UInt64(littleEndian: word) >> UInt64(bit & 7)) & mask)
                        bit += width
                    }
                    for i in fast..<n {
                        var value: UInt64 = 0
                        var k = 0
                        while 8 * k < (bit & 7) + width, (bit >> 3) + k < byteCount {
                            value |= UInt64(bytes[position + (bit >> 3) + k]) << UInt64(8 * k)
                            k += 1
                        }
                        out[done + i] = UInt32(truncatingIfNeeded: (value >> UInt64(bit & 7)) & mask)
                        bit += width
                    }
                }
                position += byteCount
                done += n
            }
        }
    }
}
