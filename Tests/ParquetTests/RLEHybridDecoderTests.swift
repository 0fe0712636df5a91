@testable import Parquet
import XCTest

/// The hybrid decoder against an independent encoder written here from the format's text:
/// bit-packed runs (values LSB first, `width` bits each, groups of 8) and RLE runs, at every
/// width, with runs that end exactly at the buffer's end (the decoder's 8-byte loads must
/// not read past it) and runs padded past the values wanted.
final class RLEHybridDecoderTests: XCTestCase {
    private func varint(_ v: Int, _ out: inout [UInt8]) {
        var v = UInt64(v)
        while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        out.append(UInt8(v))
    }

    /// A bit-packed run of `values` (padded with zeros to a multiple of 8).
    private func bitPacked(_ values: [UInt32], width: Int, _ out: inout [UInt8]) {
        let groups = (values.count + 7) / 8
        varint(groups << 1 | 1, &out)
        var bits = [Bool]()
        for k in 0..<(groups * 8) {
            let v = k < values.count ? values[k] : 0
            for b in 0..<width { bits.append((v >> UInt32(b)) & 1 == 1) }
        }
        for byte in 0..<(bits.count / 8) {
            var x: UInt8 = 0
            for b in 0..<8 where bits[byte * 8 + b] { x |= 1 << UInt8(b) }
            out.append(x)
        }
    }

    private func rle(_ value: UInt32, count: Int, width: Int, _ out: inout [UInt8]) {
        varint(count << 1, &out)
        for k in 0..<((width + 7) / 8) { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(k)))) }
    }

    private func decode(_ bytes: [UInt8], width: Int, count: Int) throws -> [UInt32] {
        var out = [UInt32](repeating: .max, count: count)
        try bytes.withUnsafeBytes { raw in
            var decoder = RLEHybridDecoder(raw, width: width)
            try out.withUnsafeMutableBufferPointer { try decoder.decode(count, into: $0.baseAddress!) }
        }
        return out
    }

    func testEveryWidthDecodesWhatTheEncoderWrote() throws {
        var rng = SystemRandomNumberGenerator()
        for width in 1...32 {
            let mask: UInt64 = (1 << UInt64(width)) - 1
            for length in [1, 7, 8, 9, 61, 1000] {
                let values = (0..<length).map { _ in UInt32(UInt64.random(in: 0...mask, using: &rng)) }
                let repeated = UInt32(UInt64.random(in: 0...mask, using: &rng))
                var bytes = [UInt8]()
                bitPacked(values, width: width, &bytes)
                rle(repeated, count: 5, width: width, &bytes)
                bitPacked(values, width: width, &bytes)   // the last run ends at the buffer's end
                // A bit-packed run holds whole groups of 8: the first one's padding is read as values.
                let padded = values + Array(repeating: 0, count: (8 - length % 8) % 8)
                let expected = padded + Array(repeating: repeated, count: 5) + values
                XCTAssertEqual(try decode(bytes, width: width, count: expected.count), expected,
                               "width \(width), \(length) values")
                // Fewer values wanted than the padded last run holds.
                XCTAssertEqual(try decode(bytes, width: width, count: expected.count - 1), Array(expected.dropLast()),
                               "width \(width), \(length) values, one fewer wanted")
            }
        }
    }

    /// The writer's RLE_DICTIONARY indices decode to its codes: long runs, short runs, runs
    /// that start mid-group, dictionaries of 1, 2, 3, 4 and 300 entries.
    func testTheWritersDictionaryIndicesDecodeToTheirCodes() throws {
        var rng = SystemRandomNumberGenerator()
        for size in [1, 2, 3, 4, 300] {
            var codes: [UInt32] = []
            for _ in 0..<400 {
                let run = [1, 2, 5, 7, 8, 9, 15, 16, 17, 100][Int.random(in: 0..<10, using: &rng)]
                codes += Array(repeating: UInt32.random(in: 0..<UInt32(size), using: &rng), count: run)
            }
            for length in [0, 1, 8, 13, codes.count] {
                let prefix = Array(codes.prefix(length))
                let bytes = ParquetWriter.dictionaryIndices(prefix, dictionarySize: size)
                XCTAssertEqual(try decode(Array(bytes.dropFirst()), width: Int(bytes[0]), count: prefix.count), prefix,
                               "dictionary of \(size), \(length) codes")
            }
        }
        // Runs are RLE-encoded: a million equal codes take a few bytes.
        XCTAssertLessThan(ParquetWriter.dictionaryIndices(Array(repeating: 2, count: 1_000_000), dictionarySize: 4).count, 8)
    }

    func testARunPastTheBufferIsTruncated() {
        var bytes = [UInt8]()
        bitPacked(Array(repeating: 3, count: 16), width: 5, &bytes)
        bytes.removeLast()
        XCTAssertThrowsError(try decode(bytes, width: 5, count: 16))
    }
}
