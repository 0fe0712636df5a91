import Foundation
import XCTest
@testable import PseudoExperiments
import TestSupport

/// Every way a pool file can be bad, on real files on disk: each must give a `PoolError` naming
/// the file (and block and column where they apply), never a crash and never data.
final class PoolCorruptionTests: XCTestCase {
    private var dir: URL!
    private var good: URL!
    private let table = PoolTestTables.table(rows: 300, seed: 3)

    override func setUpWithError() throws {
        dir = try ReferenceData.temporaryDirectory("pool-corrupt")
        good = dir.appendingPathComponent("good.pool")
        try write(good, level: 1)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func write(_ url: URL, level: Int32) throws {
        let w = try PoolWriter(url: url, blockRows: 100, compressionLevel: level)
        try w.append(table)
        try w.finish(metadata: ["note": "corruption tests"])
    }

    /// Reads `url` fully and returns the error (failing the test if there is none).
    private func readError(_ url: URL, file: StaticString = #filePath, line: UInt = #line) -> PoolError? {
        do {
            let reader = try PoolReader(url: url)
            _ = try reader.readAll()
            XCTFail("reading a bad pool succeeded", file: file, line: line)
            return nil
        } catch let error as PoolError {
            XCTAssert(error.description.contains(url.path), "error does not name the file: \(error)", file: file, line: line)
            return error
        } catch {
            XCTFail("not a PoolError: \(error)", file: file, line: line)
            return nil
        }
    }

    private func corrupt(_ name: String, _ edit: (inout PoolSurgery) -> Void) throws -> URL {
        var s = try PoolSurgery(good)
        edit(&s)
        let url = dir.appendingPathComponent(name)
        try s.write(url)
        return url
    }

    func testGoodFileReads() throws {
        XCTAssertTrue(PoolTestTables.bitIdentical(try PoolReader(url: good).readAll(), table))
    }

    func testEveryTruncationIsRejected() throws {
        let bytes = try Data(contentsOf: good)
        // Every length from 0 to 64 and then a spread through the file, including one short of whole.
        let lengths = Array(0...64) + stride(from: 65, to: bytes.count, by: 499).map { $0 } + [bytes.count - 1]
        for n in lengths {
            let url = dir.appendingPathComponent("cut\(n).pool")
            try bytes.prefix(n).write(to: url)
            guard let error = readError(url) else { continue }
            switch error {
            case .truncated: break
            default: XCTFail("length \(n): expected truncated, got \(error)")
            }
        }
    }

    func testWrongMagicSaysNotAPool() throws {
        let error = readError(ReferenceData.sample("input_rows.csv"))
        guard case .wrongMagic? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssert(error!.description.contains("not a pool file"))
    }

    func testUnsupportedVersionIsNamed() throws {
        let url = try corrupt("v2.pool") { s in s.bytes[8] = 2; s.reseal() }
        guard case let .unsupportedVersion(_, version, supported)? = readError(url) else { return XCTFail() }
        XCTAssertEqual(version, 2)
        XCTAssertEqual(supported, 1)
    }

    func testFlippedByteInEachRegionIsCaughtByItsChecksum() throws {
        let s = try PoolSurgery(good)
        let cases: [(String, Int, String)] = [
            ("header column name", 30, "the header"),
            ("block 0 column 0", s.stream(block: 0, column: 0).lowerBound + 5, "block 0, column PRI_lep_pt"),
            ("block 2 weights", s.stream(block: 2, column: 28).lowerBound + 3, "block 2, column weights"),
            ("block 1 processes", s.stream(block: 1, column: 29).upperBound - 1, "block 1, column detailed_labels"),
            ("metadata", s.metadataOffset + 2, "the metadata"),
            ("directory", s.directoryOffset + 45, "the block directory"),
            ("file checksum", s.trailerStart + 9, "the whole file"),
        ]
        for (label, offset, region) in cases {
            let url = try corrupt("flip-\(offset).pool") { $0.bytes[offset] ^= 0x10 }
            guard let error = readError(url) else { continue }
            guard case let .checksumMismatch(_, found, _, _) = error else {
                XCTFail("\(label): expected a checksum mismatch, got \(error)"); continue
            }
            XCTAssertEqual(found, region, label)
        }
    }

    func testFlipsAnywhereNeverCrashOrPass() throws {
        let size = try Data(contentsOf: good).count
        for offset in stride(from: 0, to: size, by: 257) {
            let url = try corrupt("any-\(offset).pool") { $0.bytes[offset] ^= 0xFF }
            _ = readError(url)
        }
    }

    func testCorruptCompressedStreamBehindAValidChecksum() throws {
        let s = try PoolSurgery(good)
        let range = s.stream(block: 1, column: 14)
        let url = try corrupt("stream.pool") { t in
            for i in range.lowerBound + 2..<range.lowerBound + 12 { t.bytes[i] ^= 0x5A }
            t.reseal()
        }
        guard case let .corruptStream(_, block, column, _)? = readError(url) else { return XCTFail() }
        XCTAssertEqual(block, 1)
        XCTAssertEqual(column, "PRI_met")
    }

    func testUnknownProcessCodeBehindValidChecksums() throws {
        let stored = dir.appendingPathComponent("stored.pool")
        try write(stored, level: 0)
        var s = try PoolSurgery(stored)
        s.setStoredByte(block: 2, column: 29, offset: 17, to: 9)
        s.reseal()
        let url = dir.appendingPathComponent("code.pool")
        try s.write(url)
        guard case let .unknownProcessCode(_, block, row, code)? = readError(url) else { return XCTFail() }
        XCTAssertEqual(block, 2)
        XCTAssertEqual(row, 217)
        XCTAssertEqual(code, 9)
    }

    func testNaNAndInfinityBehindValidChecksums() throws {
        let stored = dir.appendingPathComponent("stored.pool")
        try write(stored, level: 0)
        // Row 5 of block 1 in column 3 (PRI_had_pt) becomes +inf: bytes 0, 0, 0x80, 0x7F.
        // Row 7 of block 0 in weights becomes a NaN: exponent all ones, mantissa non-zero.
        let n = 100
        for (name, block, column, row, top, third, expectedColumn, expectedRow) in [
            ("inf", 1, 3, 5, UInt8(0x7F), UInt8(0x80), "PRI_had_pt", 105),
            ("nan", 0, 28, 7, UInt8(0x7F), UInt8(0xC0), "weights", 7),
        ] {
            var s = try PoolSurgery(stored)
            for (k, value) in [(0, UInt8(0)), (1, UInt8(0)), (2, third), (3, top)] {
                s.setStoredByte(block: block, column: column, offset: k * n + row, to: value)
            }
            s.reseal()
            let url = dir.appendingPathComponent("\(name).pool")
            try s.write(url)
            guard case let .nonFiniteValue(_, b, c, r, value)? = readError(url) else { XCTFail(name); continue }
            XCTAssertEqual(b, block)
            XCTAssertEqual(c, expectedColumn)
            XCTAssertEqual(r, expectedRow)
            XCTAssertFalse(value.isFinite)
        }
    }

    func testInconsistentDirectoryIsALayoutError() throws {
        // A block claiming more rows than it holds, checksums re-sealed: the layout check catches it.
        let url = try corrupt("rows.pool") { s in
            s.put32(UInt32(s.blockRows(0) + 1), at: s.blockEntry(0) + 8)
            s.reseal()
        }
        guard case .corruptLayout? = readError(url) else { return XCTFail() }
    }

    func testMissingFileIsAnIOError() {
        guard case .io? = readError(dir.appendingPathComponent("missing.pool")) else { return XCTFail() }
    }

    func testStoredLevelZeroFileIsValid() throws {
        let stored = dir.appendingPathComponent("stored.pool")
        try write(stored, level: 0)
        XCTAssertTrue(PoolTestTables.bitIdentical(try PoolReader(url: stored).readAll(), table))
    }
}
