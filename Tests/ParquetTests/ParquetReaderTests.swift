import Foundation
import Parquet
import TestSupport
import XCTest

/// The reader on the challenge's own file (the 1000-row FAIR Universe sample, written by
/// pyarrow 12 with SNAPPY pages and dictionary-encoded optional columns) against the same rows
/// as the reference's CSV, and on damaged files.
final class ParquetReaderTests: XCTestCase {
    static let sample = ReferenceData.sample("FAIR_Universe_HiggsML_data.parquet").path

    /// The CSV's columns by name, as text.
    static func csvColumns() throws -> [String: [String]] {
        let text = try String(contentsOf: ReferenceData.sample("input_rows.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        var out: [String: [String]] = [:]
        for (c, name) in lines[0].enumerated() { out[name] = lines.dropFirst().map { $0[c] } }
        return out
    }

    /// Every column, every row: floats equal the CSV's values read as Float32 (the CSV holds
    /// each float32's shortest decimal form), strings equal.
    func testTheSampleFileReadsAsTheReferenceCSV() throws {
        let file = try ParquetReader(path: Self.sample)
        XCTAssertEqual(file.metadata.rows, 1000)
        XCTAssertEqual(file.metadata.columns.count, 31)
        XCTAssertEqual(file.metadata.rowGroups.count, 1)
        let csv = try Self.csvColumns()
        XCTAssertEqual(csv["input_row"], (0..<1000).map(String.init), "the CSV holds the file's rows in order")
        for column in file.metadata.columns {
            let values = try file.column(column.name, rowGroup: 0)
            let expected = try XCTUnwrap(csv[column.name], column.name)
            XCTAssertEqual(values.count, 1000, column.name)
            if let strings = values.strings {
                XCTAssertEqual(strings, expected, column.name)
                continue
            }
            let floats = try XCTUnwrap(values.floats, column.name)
            var mismatches = 0
            for (x, text) in zip(floats, expected) where Float(text).map({ $0 != x }) ?? true { mismatches += 1 }
            XCTAssertEqual(mismatches, 0, "\(column.name): \(mismatches) of 1000 rows differ from the CSV")
        }
    }

    func testContentNotExtensionIdentifiesParquet() throws {
        let dir = try ReferenceData.temporaryDirectory("parquet-magic")
        defer { try? FileManager.default.removeItem(at: dir) }
        let renamed = dir.appendingPathComponent("events.dat")
        try FileManager.default.copyItem(atPath: Self.sample, toPath: renamed.path)
        XCTAssertTrue(ParquetReader.looksLikeParquet(path: renamed.path))
        XCTAssertFalse(ParquetReader.looksLikeParquet(path: ReferenceData.sample("input_rows.csv").path))
        XCTAssertEqual(try ParquetReader(path: renamed.path).metadata.rows, 1000)
    }

    /// Damaged files: each gives a clear error naming the file (and the column and row group
    /// where the damage lies), never a crash.
    func testDamagedFilesGiveClearErrors() throws {
        let dir = try ReferenceData.temporaryDirectory("parquet-damaged")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.sample))
        func write(_ name: String, _ data: Data) throws -> String {
            let url = dir.appendingPathComponent(name)
            try data.write(to: url)
            return url.path
        }
        // Cut short (a copy that did not finish).
        let truncated = try write("truncated.parquet", bytes.prefix(bytes.count / 2))
        XCTAssertThrowsError(try ParquetReader(path: truncated)) { error in
            XCTAssertTrue("\(error)".contains("does not end with PAR1") && "\(error)".contains(truncated), "\(error)")
        }
        // Not Parquet at all.
        let csv = ReferenceData.sample("input_rows.csv").path
        XCTAssertThrowsError(try ParquetReader(path: csv)) { XCTAssertTrue("\($0)".contains("does not start with PAR1"), "\($0)") }
        // A wrong footer length.
        var footer = bytes
        footer[footer.count - 8] ^= 0xFF
        footer[footer.count - 7] ^= 0xFF
        XCTAssertThrowsError(try ParquetReader(path: try write("footer.parquet", footer))) { error in
            XCTAssertTrue("\(error)".contains("corrupt") || "\(error)".contains("footer"), "\(error)")
        }
        // Garbage in the first column chunk's pages: the error names the column and row group.
        var pages = bytes
        for k in 4..<200 { pages[k] = UInt8(truncatingIfNeeded: k &* 37) }
        let damaged = try write("pages.parquet", pages)
        let file = try ParquetReader(path: damaged)
        XCTAssertThrowsError(try file.column("PRI_lep_pt", rowGroup: 0)) { error in
            XCTAssertTrue("\(error)".contains("column 'PRI_lep_pt', row group 0"), "\(error)")
        }
        XCTAssertThrowsError(try file.column("no_such_column", rowGroup: 0)) { error in
            XCTAssertEqual((error as? ParquetError).map { if case .missingColumn = $0 { return true } else { return false } }, true)
            XCTAssertTrue("\(error)".contains("no_such_column") && "\(error)".contains("PRI_lep_pt"), "\(error)")
        }
        // Random byte flips anywhere: an error or the same values, never a crash.
        var flips = 0
        for seed in 0..<60 {
            var damagedBytes = bytes
            let at = (seed * 7919 + 13) % bytes.count
            damagedBytes[at] ^= UInt8(1 << (seed % 8))
            let path = try write("flip-\(seed).parquet", damagedBytes)
            do {
                let f = try ParquetReader(path: path)
                for c in f.metadata.columns.indices { _ = try f.column(at: c, rowGroup: 0) }
            } catch is ParquetError {
                flips += 1
            }
        }
        XCTAssertGreaterThan(flips, 0, "some flips must be detected")
    }
}
