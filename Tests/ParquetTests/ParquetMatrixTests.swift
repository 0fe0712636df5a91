import Foundation
import Parquet
import TestSupport
import XCTest

/// Files written by pyarrow for every codec (none, snappy, gzip, zstd) x encoding (dictionary,
/// plain, byte-stream split) x data page version (1, 2) x row groups (1, 3), each read back to
/// exactly the values written (`Fixtures/write_matrix.py`). Needs pyarrow: CI installs it and
/// sets FAIR_UQ_REQUIRE_PYARROW, so the test runs there; elsewhere it is reported as skipped.
final class ParquetMatrixTests: XCTestCase {
    func testEveryCodecEncodingPageVersionAndRowGroupLayoutReadsExactly() throws {
        let dir = try ReferenceData.temporaryDirectory("parquet-matrix")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = ReferenceData.packageRoot.appendingPathComponent("Tests/ParquetTests/Fixtures/write_matrix.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, dir.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            if stderr.contains("No module named 'pyarrow'"), ProcessInfo.processInfo.environment["FAIR_UQ_REQUIRE_PYARROW"] == nil {
                throw XCTSkip(SkipLog.record("pyarrow is not installed (pip install pyarrow); CI installs it"))
            }
            return XCTFail("write_matrix.py failed: \(stderr)")
        }
        struct Expected: Decodable {
            var files: [String]
            var f32: [UInt32], f64: [UInt64], up: [UInt32], i32: [Int32], i64: [Int64], flag: [Bool], label: [String]
        }
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: dir.appendingPathComponent("expected.json")))
        XCTAssertEqual(expected.files.count, 48)
        for name in expected.files {
            let file = try ParquetReader(path: dir.appendingPathComponent(name).path)
            XCTAssertEqual(file.metadata.rowGroups.count, name.hasSuffix("g3.parquet") ? 3 : 1, name)
            var f32: [Float] = [], f64: [Double] = [], up: [Float] = [], i32: [Int32] = [], i64: [Int64] = []
            var flag: [Bool] = [], label: [String] = []
            for g in file.metadata.rowGroups.indices {
                guard case let .float(a) = try file.column("f32", rowGroup: g),
                      case let .double(b) = try file.column("f64", rowGroup: g),
                      case let .int32(c) = try file.column("i32", rowGroup: g),
                      case let .int64(d) = try file.column("i64", rowGroup: g),
                      case let .boolean(e) = try file.column("flag", rowGroup: g),
                      let strings = try file.column("label", rowGroup: g).strings,
                      let upcast = try file.column("up", rowGroup: g).floats else {
                    return XCTFail("\(name): a column of the wrong type")
                }
                f32 += a; f64 += b; i32 += c; i64 += d; flag += e; label += strings; up += upcast
            }
            XCTAssertEqual(f32.map(\.bitPattern), expected.f32, name)
            XCTAssertEqual(f64.map(\.bitPattern), expected.f64, name)
            XCTAssertEqual(up.map(\.bitPattern), expected.up, "\(name): a float32 stored as float64 reads back exactly")
            XCTAssertEqual(i32, expected.i32, name)
            XCTAssertEqual(i64, expected.i64, name)
            XCTAssertEqual(flag, expected.flag, name)
            XCTAssertEqual(label, expected.label, name)
        }
        for version in [1, 2] {
            let path = dir.appendingPathComponent("null-v\(version).parquet").path
            let file = try ParquetReader(path: path)
            XCTAssertNoThrow(try file.column("f32", rowGroup: 0))
            XCTAssertThrowsError(try file.column("f32", rowGroup: 1)) { error in
                XCTAssertEqual(error as? ParquetError, .null(file: path, column: "f32", rowGroup: 1, row: 417 - 334), "\(error)")
                XCTAssertTrue("\(error)".contains("dropna"), "\(error)")
            }
        }
    }
}
