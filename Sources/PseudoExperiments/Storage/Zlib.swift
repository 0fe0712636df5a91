import CZlib
import Foundation

/// The zlib operations of our file formats: one-shot deflate/inflate of a buffer and CRC-32.
///
/// Streams are zlib format (RFC 1950: 2-byte header, deflate data, Adler-32 of the
/// uncompressed bytes), so a damaged stream is caught by zlib itself as well as by our CRC-32
/// of the compressed bytes. Output is deterministic for a given zlib version and level.
enum Zlib {
    /// Why a stream could not be inflated, in zlib's words.
    struct StreamError: Error {
        var message: String
    }

    /// Compresses `input` (zlib format) at `level` (0...9) with the run-length strategy
    /// (`Z_RLE`: matches only of one repeated byte). On byte-shuffled float columns this keeps
    /// nearly all of the gain of full matching (undefined markers, exponent bytes, small
    /// integers) at about twice the speed.
    static func deflate(_ input: UnsafeRawBufferPointer, level: Int32) -> [UInt8] {
        deflate(input, segments: [(input.count, level == 0)], level: level)
    }

    /// Compresses `input` (zlib format) as consecutive segments, each either deflated at
    /// `level` with the run-length strategy or stored as it is (deflate's "stored" blocks).
    ///
    /// One standard zlib stream comes out whatever the mix (`deflateParams` switches between
    /// the two between segments), so readers need not know. Storing a segment that would not
    /// shrink (near-random low mantissa bytes) saves most of the compression time and makes
    /// inflating it a copy.
    static func deflate(_ input: UnsafeRawBufferPointer, segments: [(count: Int, stored: Bool)],
                        level: Int32) -> [UInt8] {
        precondition(segments.reduce(0) { $0 + $1.count } == input.count,
                     "segments cover \(segments.reduce(0) { $0 + $1.count }) of \(input.count) bytes")
        var stream = z_stream()
        var stored = segments.first?.stored ?? false
        let status = czlib_deflate_init(&stream, stored ? 0 : level)
        precondition(status == Z_OK, "deflateInit failed with status \(status) for level \(level)")
        defer { deflateEnd(&stream) }
        let params = deflateParams(&stream, stored ? 0 : level, Z_RLE)
        precondition(params == Z_OK, "deflateParams(Z_RLE) failed with status \(params)")

        // Stored blocks cost 5 bytes per block and each switch flushes a block: the bound of
        // the whole input plus a margin per segment always suffices; grow anyway if not.
        var capacity = Int(deflateBound(&stream, uLong(input.count))) + input.count / 64 + 256 * (segments.count + 1)
        var buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        stream.next_out = buffer
        stream.avail_out = uInt(capacity)
        func grow() {
            let used = capacity - Int(stream.avail_out)
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            bigger.update(from: buffer, count: used)
            buffer.deallocate()
            buffer = bigger
            stream.next_out = buffer + used
            stream.avail_out = uInt(capacity * 2 - used)
            capacity *= 2
        }
        let base = input.bindMemory(to: Bytef.self).baseAddress
        var offset = 0
        for segment in segments {
            if segment.stored != stored {
                var result = deflateParams(&stream, segment.stored ? 0 : level, Z_RLE)
                while result == Z_BUF_ERROR { grow(); result = deflateParams(&stream, segment.stored ? 0 : level, Z_RLE) }
                precondition(result == Z_OK, "deflateParams returned \(result)")
                stored = segment.stored
            }
            stream.next_in = UnsafeMutablePointer(mutating: base.map { $0 + offset })
            stream.avail_in = uInt(segment.count)
            while stream.avail_in > 0 {
                if stream.avail_out == 0 { grow() }
                let result = CZlib.deflate(&stream, Z_NO_FLUSH)
                precondition(result == Z_OK || result == Z_BUF_ERROR, "deflate returned \(result)")
            }
            offset += segment.count
        }
        while true {
            if stream.avail_out == 0 { grow() }
            let result = CZlib.deflate(&stream, Z_FINISH)
            if result == Z_STREAM_END { break }
            precondition(result == Z_OK || result == Z_BUF_ERROR, "deflate(Z_FINISH) returned \(result)")
            if stream.avail_out > 0 && result == Z_OK { continue }
            grow()
        }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(stream.total_out)))
    }

    /// Inflates a zlib stream that must expand to exactly `into.count` bytes.
    static func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws {
        var stream = z_stream()
        let status = czlib_inflate_init(&stream)
        guard status == Z_OK else { throw StreamError(message: "inflateInit failed with status \(status)") }
        defer { inflateEnd(&stream) }
        stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
        stream.avail_in = uInt(input.count)
        stream.next_out = output.bindMemory(to: Bytef.self).baseAddress
        stream.avail_out = uInt(output.count)
        let result = CZlib.inflate(&stream, Z_FINISH)
        switch result {
        case Z_STREAM_END:
            guard stream.avail_out == 0 else {
                throw StreamError(message: "the stream ended after \(stream.total_out) of \(output.count) expected bytes")
            }
            guard stream.avail_in == 0 else {
                throw StreamError(message: "\(stream.avail_in) bytes follow the end of the stream")
            }
        case Z_BUF_ERROR where stream.avail_out == 0:
            throw StreamError(message: "the stream expands to more than the expected \(output.count) bytes")
        case Z_BUF_ERROR:
            throw StreamError(message: "the stream is cut short after \(stream.total_out) of \(output.count) bytes")
        default:
            let detail = stream.msg.map { String(cString: $0) } ?? "status \(result)"
            throw StreamError(message: detail)
        }
    }

    /// CRC-32 (ISO-HDLC, the one of gzip/PNG) of `bytes`, continuing from `crc`.
    static func crc32(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.bindMemory(to: Bytef.self).baseAddress, bytes.count > 0 else { return crc }
        var value = uLong(crc)
        var offset = 0
        // zlib takes a uInt length: feed huge buffers in pieces.
        while offset < bytes.count {
            let n = min(bytes.count - offset, 1 << 30)
            value = CZlib.crc32(value, base + offset, uInt(n))
            offset += n
        }
        return UInt32(truncatingIfNeeded: value)
    }

    /// The CRC-32 of `A` followed by `B`, from `crc(A)`, `crc(B)` and the length of `B`.
    static func crc32Combine(_ first: UInt32, _ second: UInt32, length: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: CZlib.crc32_combine(uLong(first), uLong(second), off_t(length)))
    }

    static func crc32(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { crc32($0, continuing: crc) }
    }
}
