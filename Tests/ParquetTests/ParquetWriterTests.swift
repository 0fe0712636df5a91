import Foundation
import Parquet
import TestSupport
import XCTest

/// The writer against the reader: every type, several row groups, both codecs.
final class ParquetWriterTests: XCTestCase {
    func testEveryTypeAndRowGroupReadsBackExactly() throws {
        let dir = try ReferenceData.temporaryDirectory("parquet-writer")
        defer { try? FileManager.default.removeItem(at: dir) }
        let columns: [ParquetWriter.Column] = [
            .init(name: "f", type: .float), .init(name: "d", type: .double), .init(name: "i", type: .int32),
            .init(name: "l", type: .int64), .init(name: "b", type: .boolean), .init(name: "s", type: .byteArray),
        ]
        // Row groups of 1, 17 and 3000 rows (more than 15 of anything: long list headers too).
        let groups = [1, 17, 3000].enumerated().map { g, n in
            (0..<n).map { r -> (Float, Double, Int32, Int64, Bool, String) in
                let x = Double(g * 10_000 + r)
                return (Float(x * 0.37 - 5), -x / 3, Int32(r) - 40, Int64(r) << 33, r % 3 == 0, r % 5 == 0 ? "" : "ttbar-\(r % 7)é")
            }
        }
        for codec in [ParquetMetadata.Codec.snappy, .uncompressed] {
            let path = dir.appendingPathComponent("all-\(codec).parquet").path
            let writer = try ParquetWriter(path: path, columns: columns, codec: codec)
            for rows in groups {
                try writer.writeRowGroup([.float(rows.map(\.0)), .double(rows.map(\.1)), .int32(rows.map(\.2)),
                                          .int64(rows.map(\.3)), .boolean(rows.map(\.4)), Self.strings(rows.map(\.5))])
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: path), "nothing under the name before finish")
            try writer.finish(keyValues: ["k": "v"])
            let reader = try ParquetReader(path: path)
            XCTAssertEqual(reader.metadata.rows, 3018)
            XCTAssertEqual(reader.metadata.rowGroups.map(\.rows), [1, 17, 3000])
            XCTAssertEqual(reader.metadata.columns.map(\.name), columns.map(\.name))
            for (g, rows) in groups.enumerated() {
                XCTAssertEqual(try reader.column("f", rowGroup: g), .float(rows.map(\.0)))
                XCTAssertEqual(try reader.column("d", rowGroup: g), .double(rows.map(\.1)))
                XCTAssertEqual(try reader.column("i", rowGroup: g), .int32(rows.map(\.2)))
                XCTAssertEqual(try reader.column("l", rowGroup: g), .int64(rows.map(\.3)))
                XCTAssertEqual(try reader.column("b", rowGroup: g), .boolean(rows.map(\.4)))
                XCTAssertEqual(try reader.column("s", rowGroup: g).strings, rows.map(\.5))
            }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("partial") }, [])
    }

    /// Strings as the reader gives them: codes into the distinct values, in first-seen order.
    static func strings(_ values: [String]) -> ParquetColumn {
        var dictionary: [String] = [], index: [String: UInt32] = [:]
        let codes = values.map { s -> UInt32 in
            if let code = index[s] { return code }
            index[s] = UInt32(dictionary.count)
            dictionary.append(s)
            return index[s]!
        }
        return .strings(codes: codes, dictionary: dictionary)
    }

    func testACancelledWriterLeavesNothing() throws {
        let dir = try ReferenceData.temporaryDirectory("parquet-cancel")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("x.parquet").path
        let writer = try ParquetWriter(path: path, columns: [.init(name: "f", type: .float)])
        try writer.writeRowGroup([.float([1, 2, 3])])
        writer.cancel()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    }
}
