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

    /// Compresses `input` (zlib format) at `level` (0...9).
    ///
    /// With `runLengthOnly`, matches are limited to runs of one repeated byte (zlib's `Z_RLE`
    /// strategy): on byte-shuffled float columns this keeps nearly all of the gain of full
    /// matching (undefined markers, exponent bytes, small integers) at about twice the speed.
    static func deflate(_ input: UnsafeRawBufferPointer, level: Int32, runLengthOnly: Bool = false) -> [UInt8] {
        var stream = z_stream()
        let status = czlib_deflate_init(&stream, level)
        precondition(status == Z_OK, "deflateInit failed with status \(status) for level \(level)")
        defer { deflateEnd(&stream) }
        if runLengthOnly {
            // Legal before any input: switches the match finder to runs of one byte (Z_RLE).
            let params = deflateParams(&stream, level, Z_RLE)
            precondition(params == Z_OK, "deflateParams(Z_RLE) failed with status \(params)")
        }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var output = [UInt8](repeating: 0, count: bound)
        let produced: Int = output.withUnsafeMutableBufferPointer { out in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(input.count)
            stream.next_out = out.baseAddress
            stream.avail_out = uInt(bound)
            // deflateBound guarantees that one Z_FINISH call completes the stream.
            let result = CZlib.deflate(&stream, Z_FINISH)
            precondition(result == Z_STREAM_END, "deflate with a deflateBound buffer returned \(result)")
            return Int(stream.total_out)
        }
        output.removeSubrange(produced...)
        return output
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

    static func crc32(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { crc32($0, continuing: crc) }
    }
}
