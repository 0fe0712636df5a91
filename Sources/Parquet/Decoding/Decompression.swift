import CSnappy
import CZlib
import CZstd

/// Page decompression with Debian's libraries: snappy (libsnappy-dev), zlib's gzip (zlib1g-dev,
/// already the pool format's) and Zstandard (libzstd-dev): the codecs pyarrow, pandas, polars and
/// Spark write. Each page states its uncompressed size, and a page that does not decompress to
/// exactly that size is an error.
enum Decompression {
    static func decompress(_ source: UnsafeRawBufferPointer, codec: ParquetMetadata.Codec, into size: Int,
                           fail: (String) -> ParquetError) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size)
        switch codec {
        case .uncompressed:
            guard source.count == size else { throw fail("an uncompressed page of \(source.count) bytes says \(size)") }
            if size > 0 { out.withUnsafeMutableBytes { $0.copyMemory(from: source) } }
        case .snappy:
            var length = 0
            let base = source.baseAddress?.assumingMemoryBound(to: CChar.self)
            guard snappy_uncompressed_length(base, source.count, &length) == SNAPPY_OK, length == size else {
                throw fail("a snappy page does not decode to its \(size) bytes")
            }
            var produced = size
            let status = out.withUnsafeMutableBytes { dst in
                snappy_uncompress(base, source.count, dst.baseAddress?.assumingMemoryBound(to: CChar.self), &produced)
            }
            guard status == SNAPPY_OK, produced == size else { throw fail("a snappy page does not decode") }
        case .zstd:
            let produced = out.withUnsafeMutableBytes { dst in
                ZSTD_decompress(dst.baseAddress, size, source.baseAddress, source.count)
            }
            guard ZSTD_isError(produced) == 0, produced == size else {
                throw fail("a zstd page does not decode to its \(size) bytes")
            }
        case .gzip:
            var stream = z_stream()
            // 15 + 32: a zlib or gzip header, detected.
            guard czlib_inflate_init2(&stream, 15 + 32) == Z_OK else { throw fail("zlib could not start") }
            defer { inflateEnd(&stream) }
            let status: Int32 = out.withUnsafeMutableBytes { dst in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress?.assumingMemoryBound(to: UInt8.self))
                stream.avail_in = UInt32(source.count)
                stream.next_out = dst.baseAddress?.assumingMemoryBound(to: UInt8.self)
                stream.avail_out = UInt32(size)
                return inflate(&stream, Z_FINISH)
            }
            guard status == Z_STREAM_END, Int(stream.total_out) == size else {
                throw fail("a gzip page does not decode to its \(size) bytes")
            }
        case .lzo, .brotli, .lz4, .lz4Raw:
            throw fail("the codec \(codec) is not supported (use snappy, gzip, zstd or none)")
        }
        return out
    }
}
