import Foundation
import XCTest
@testable import PseudoExperiments
import TestSupport

final class PoolFileTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try ReferenceData.temporaryDirectory("pool") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private struct Meta: Codable, Equatable {
        var simulator: String
        var seed: UInt64
        var rowsPerProcess: [String: Int]
    }

    func testRoundTripIsBitIdenticalAcrossSeveralBlocks() throws {
        let table = PoolTestTables.table(rows: 1_037)
        let url = dir.appendingPathComponent("a.pool")
        let writer = try PoolWriter(url: url, blockRows: 250)
        try writer.append(table)
        let meta = Meta(simulator: "0.1.0", seed: 42, rowsPerProcess: ["htautau": 3])
        try writer.finish(metadata: meta)

        let reader = try PoolReader(url: url)
        XCTAssertEqual(reader.rowCount, 1_037)
        XCTAssertEqual(reader.blocks.map(\.rows), [250, 250, 250, 250, 37])
        XCTAssertEqual(reader.blocks.map(\.firstRow), [0, 250, 500, 750, 1_000])
        XCTAssertEqual(try reader.metadata(as: Meta.self), meta)
        XCTAssertTrue(PoolTestTables.bitIdentical(try reader.readAll(), table))
        XCTAssertTrue(PoolTestTables.bitIdentical(try reader.readBlock(3), table.rows(Array(750..<1_000))))
    }

    func testStreamingChunksGiveTheSameBytesAsOneAppend() throws {
        let table = PoolTestTables.table(rows: 900, seed: 5)
        let whole = dir.appendingPathComponent("whole.pool")
        let w1 = try PoolWriter(url: whole, blockRows: 128)
        try w1.append(table)
        try w1.finish(metadata: ["k": "v"])

        // Chunks smaller than, equal to and larger than a block, and an empty one.
        let chunked = dir.appendingPathComponent("chunked.pool")
        let w2 = try PoolWriter(url: chunked, blockRows: 128)
        var start = 0
        for size in [1, 0, 127, 128, 300, 5, 339] {
            try w2.append(table.rows(Array(start..<start + size)))
            start += size
        }
        XCTAssertEqual(start, 900)
        XCTAssertEqual(w2.rowCount, 900)
        try w2.finish(metadata: ["k": "v"])

        XCTAssertEqual(try Data(contentsOf: whole), try Data(contentsOf: chunked))

        var seen: [Int] = []
        var rebuilt = EventTable()
        try PoolReader(url: chunked).forEachBlock { index, block in
            XCTAssertEqual(index, seen.count)
            seen.append(block.count)
            rebuilt.append(contentsOf: block)
        }
        XCTAssertEqual(seen, [128, 128, 128, 128, 128, 128, 128, 4])
        XCTAssertTrue(PoolTestTables.bitIdentical(rebuilt, table))
    }

    func testSameTableGivesSameBytes() throws {
        let table = PoolTestTables.table(rows: 300, seed: 9)
        var files: [Data] = []
        for name in ["x.pool", "y.pool"] {
            let url = dir.appendingPathComponent(name)
            let w = try PoolWriter(url: url, blockRows: 100)
            try w.append(table)
            try w.finish(metadata: ["seed": 9])
            files.append(try Data(contentsOf: url))
        }
        XCTAssertEqual(files[0], files[1])
    }

    func testEmptyPoolRoundTrips() throws {
        let url = dir.appendingPathComponent("empty.pool")
        let w = try PoolWriter(url: url)
        try w.finish()
        let reader = try PoolReader(url: url)
        XCTAssertEqual(reader.rowCount, 0)
        XCTAssertEqual(reader.blocks.count, 0)
        XCTAssertEqual(try reader.readAll().count, 0)
        XCTAssertEqual(String(decoding: reader.metadataJSON, as: UTF8.self), "{}")
    }

    func testNothingAppearsUntilFinishAndCancelLeavesNothing() throws {
        let url = dir.appendingPathComponent("p.pool")
        let w = try PoolWriter(url: url, blockRows: 10)
        try w.append(PoolTestTables.table(rows: 35))
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
        w.cancel()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])

        // A writer dropped without finish() removes its temporary file too.
        do {
            let dropped = try PoolWriter(url: url, blockRows: 10)
            try dropped.append(PoolTestTables.table(rows: 5))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    }

    func testFinishReplacesAnExistingFile() throws {
        let url = dir.appendingPathComponent("p.pool")
        for rows in [20, 7] {
            let w = try PoolWriter(url: url)
            try w.append(PoolTestTables.table(rows: rows))
            try w.finish()
        }
        XCTAssertEqual(try PoolReader(url: url).rowCount, 7)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["p.pool"])
    }

    func testWriterRejectsNonFiniteValuesAndUnknownProcessesNamingTheRow() throws {
        let url = dir.appendingPathComponent("bad.pool")
        let w = try PoolWriter(url: url, blockRows: 10)
        try w.append(PoolTestTables.table(rows: 12))
        var bad = PoolTestTables.table(rows: 5)
        bad[.met][3] = .nan
        XCTAssertThrowsError(try w.append(bad)) { error in
            guard case let PoolError.nonFiniteValue(file, _, column, row, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, url.path)
            XCTAssertEqual(column, "PRI_met")
            XCTAssertEqual(row, 15)
            XCTAssert("\(error)".contains("PRI_met"))
        }
        bad = PoolTestTables.table(rows: 5)
        bad.weights[0] = -.infinity
        XCTAssertThrowsError(try w.append(bad)) { error in
            guard case let PoolError.nonFiniteValue(_, _, column, row, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(column, "weights")
            XCTAssertEqual(row, 12)
        }
        bad = PoolTestTables.table(rows: 5)
        bad.processCodes[4] = 7
        XCTAssertThrowsError(try w.append(bad)) { error in
            guard case let PoolError.unknownProcessCode(_, _, row, code) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(row, 16)
            XCTAssertEqual(code, 7)
        }
        // Rejected chunks wrote nothing: the pool holds the 12 good rows.
        XCTAssertEqual(w.rowCount, 12)
        try w.finish()
        XCTAssertEqual(try PoolReader(url: url).readAll().count, 12)
    }

    func testWriterIntoMissingDirectoryFailsClearly() {
        let url = dir.appendingPathComponent("no/such/dir/p.pool")
        XCTAssertThrowsError(try PoolWriter(url: url)) { error in
            guard case PoolError.io = error else { return XCTFail("\(error)") }
            XCTAssert("\(error)".contains("no/such/dir"))
        }
    }

    func testMetadataMustBeAJSONObject() throws {
        let w = try PoolWriter(url: dir.appendingPathComponent("m.pool"))
        XCTAssertThrowsError(try w.finish(metadataJSON: Data("[1, 2]".utf8))) { error in
            guard case PoolError.badMetadata = error else { return XCTFail("\(error)") }
        }
        w.cancel()
    }

    func testLayoutMatchesTheFormatDocument() throws {
        // datasets-spec/pool-format-v1.md: the version-1 header is 537 bytes, block 0 follows
        // it, the regions tile the file, the trailer ends with the end magic.
        let url = dir.appendingPathComponent("layout.pool")
        let w = try PoolWriter(url: url, blockRows: 40)
        try w.append(PoolTestTables.table(rows: 100))
        try w.finish(metadata: ["a": 1])
        let s = try PoolSurgery(url)
        XCTAssertEqual(Array(s.bytes.prefix(8)), [0x89, 0x46, 0x55, 0x51, 0x50, 0x4F, 0x4F, 0x4C])
        XCTAssertEqual(s.headerLength, 537)
        XCTAssertEqual(s.u32(12), 40)
        XCTAssertEqual(s.blockCount, 3)
        XCTAssertEqual(s.u64(s.blockEntry(0)), 537)
        XCTAssertEqual(s.stream(block: 2, column: 29).upperBound, s.metadataOffset)
        XCTAssertEqual(String(decoding: s.bytes[s.metadataOffset..<s.directoryOffset], as: UTF8.self), #"{"a":1}"#)
        XCTAssertEqual(s.directoryOffset + 36 + 3 * (12 + 12 * 30) + 4, s.trailerStart)
        XCTAssertEqual(Array(s.bytes.suffix(8)), [0x89, 0x46, 0x55, 0x51, 0x45, 0x4E, 0x44, 0x0A])
        let reader = try PoolReader(url: url)
        XCTAssertEqual(reader.blocks.map(\.offset), (0..<3).map { UInt64(s.stream(block: $0, column: 0).lowerBound) })
    }

    func testRealSampleRoundTrips() throws {
        // The 1000 FAIR Universe sample rows, read from the reference CSV (Float32 shortest form).
        let table = try EventTable.readCSV(from: ReferenceData.sample("input_rows.csv")).table
        XCTAssertEqual(table.count, 1000)
        let url = dir.appendingPathComponent("sample.pool")
        let w = try PoolWriter(url: url)
        try w.append(table)
        try w.finish()
        XCTAssertTrue(PoolTestTables.bitIdentical(try PoolReader.read(url).table, table))
    }
}

final class PoolBenchmarkTests: XCTestCase {
    /// The benchmark's own checks run (tiny table; timings are not asserted).
    func testBenchmarkRoundTripsAndReportsFigures() throws {
        let dir = try ReferenceData.temporaryDirectory("pool-bench")
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try PoolBenchmark.measure(table: PoolTestTables.table(rows: 500), directory: dir)
        XCTAssertEqual(result.rows, 500)
        XCTAssertEqual(result.rawBytes, 500 * 117)
        XCTAssertGreaterThan(result.fileBytes, 537)
        XCTAssertEqual(result.figures.map(\.key).count, 7)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], "the benchmark deletes its file")
    }
}

final class PoolCodecTests: XCTestCase {
    func testNearRandomPlanesAreStoredAndRepetitiveOnesDeflated() {
        var g = SeededGenerator(seed: 3)
        let n = 4096
        // Plane 0 random, plane 1 constant, plane 2 a few values, plane 3 random.
        var raw = [UInt8](repeating: 0, count: 4 * n)
        for i in 0..<n {
            raw[i] = UInt8(truncatingIfNeeded: g.next())
            raw[n + i] = 0x41
            raw[2 * n + i] = UInt8(g.nextInt(below: 4))
            raw[3 * n + i] = UInt8(truncatingIfNeeded: g.next())
        }
        let planes = PoolBlockCodec.planes(raw, bytesPerRow: 4)
        XCTAssertEqual(planes.map(\.stored), [true, false, false, true])
        XCTAssertEqual(planes.map(\.count), [n, n, n, n])

        // Mixed stored and deflated segments make one standard zlib stream that inflates back.
        let stream = raw.withUnsafeBytes { Zlib.deflate($0, segments: planes, level: 1) }
        // Two stored planes (2n bytes) plus a constant plane and a 2-bit plane (about n / 4).
        XCTAssertGreaterThan(stream.count, 2 * n)
        XCTAssertLessThan(stream.count, 2 * n + n / 3)
        var back = [UInt8](repeating: 0, count: raw.count)
        XCTAssertNoThrow(try stream.withUnsafeBytes { s in try back.withUnsafeMutableBytes { try Zlib.inflate(s, into: $0) } })
        XCTAssertEqual(back, raw)
    }

    func testInflateRefusesWrongLengths() {
        let raw = [UInt8](repeating: 7, count: 1000)
        let stream = raw.withUnsafeBytes { Zlib.deflate($0, segments: [(1000, false)], level: 1) }
        for size in [999, 1001] {
            var out = [UInt8](repeating: 0, count: size)
            XCTAssertThrowsError(try stream.withUnsafeBytes { s in try out.withUnsafeMutableBytes { try Zlib.inflate(s, into: $0) } })
        }
        var out = [UInt8](repeating: 0, count: 1000)
        XCTAssertThrowsError(try Array(stream.dropLast(3)).withUnsafeBytes { s in
            try out.withUnsafeMutableBytes { try Zlib.inflate(s, into: $0) }
        })
    }
}
