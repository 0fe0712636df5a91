import CZlib
import Foundation
@testable import PseudoExperiments

/// Byte-level edits of pool files for corruption tests, written from the layout of
/// `datasets-spec/pool-format-v1.md` (not from the writer's code), so the tests also check the
/// document: offsets of the regions, and re-sealing every checksum after an edit so that a
/// test can reach the checks that lie behind the checksums.
struct PoolSurgery {
    var bytes: [UInt8]

    init(_ url: URL) throws { bytes = [UInt8](try Data(contentsOf: url)) }

    func write(_ url: URL) throws { try Data(bytes).write(to: url) }

    func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * $1) } }
    func u64(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * $1) } }
    mutating func put32(_ v: UInt32, at: Int) { for i in 0..<4 { bytes[at + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) } }

    static let columnCount = 30

    /// Length of the header through its CRC-32.
    var headerLength: Int {
        var p = 20
        for _ in 0..<Int(u32(16)) { p += 2 + Int(bytes[p + 1]) }
        return p + 4
    }

    var trailerStart: Int { bytes.count - 24 }
    var directoryOffset: Int { Int(u64(trailerStart)) }
    var blockCount: Int { Int(u32(directoryOffset + 12)) }
    var metadataOffset: Int { Int(u64(directoryOffset + 16)) }

    /// Offset of block `b`'s entry in the directory.
    func blockEntry(_ b: Int) -> Int { directoryOffset + 36 + b * (12 + 12 * Self.columnCount) }
    func blockRows(_ b: Int) -> Int { Int(u32(blockEntry(b) + 8)) }

    /// Byte range of column `c` of block `b`.
    func stream(block b: Int, column c: Int) -> Range<Int> {
        var start = Int(u64(blockEntry(b)))
        for k in 0..<c { start += Int(u64(blockEntry(b) + 12 + 12 * k)) }
        return start..<start + Int(u64(blockEntry(b) + 12 + 12 * c))
    }

    /// Recomputes every checksum (header, column streams, metadata, directory, whole file).
    mutating func reseal() {
        let h = headerLength
        put32(crc(0..<h - 4), at: h - 4)
        for b in 0..<blockCount {
            for c in 0..<Self.columnCount { put32(crc(stream(block: b, column: c)), at: blockEntry(b) + 12 + 12 * c + 8) }
        }
        put32(crc(metadataOffset..<directoryOffset), at: directoryOffset + 32)
        put32(crc(directoryOffset..<trailerStart - 4), at: trailerStart - 4)
        put32(crc(0..<trailerStart + 8), at: trailerStart + 8)
    }

    /// Replaces the uncompressed byte at `offset` of a level-0 (stored) zlib stream and fixes
    /// the stream's Adler-32, giving a valid stream with different content.
    mutating func setStoredByte(block b: Int, column c: Int, offset: Int, to value: UInt8) {
        let range = stream(block: b, column: c)
        // zlib header (2) + one stored deflate block header (5): BFINAL/BTYPE byte, LEN, NLEN.
        precondition(bytes[range.lowerBound + 2] == 0x01, "expected a single final stored block")
        let dataStart = range.lowerBound + 7
        let dataEnd = range.upperBound - 4
        bytes[dataStart + offset] = value
        let adler = bytes[dataStart..<dataEnd].withUnsafeBytes {
            UInt32(adler32(1, $0.bindMemory(to: Bytef.self).baseAddress, uInt($0.count)))
        }
        for i in 0..<4 { bytes[dataEnd + i] = UInt8(truncatingIfNeeded: adler >> (8 * (3 - i))) }   // big-endian
    }

    private func crc(_ range: Range<Int>) -> UInt32 { Zlib.crc32(Array(bytes[range])) }
}
