import Foundation
import XCTest
import PseudoExperiments
import TestSupport

/// `bench inspect` end to end on real files: a pool written from the FAIR Universe sample
/// (FAIR Universe HiggsML Uncertainty Challenge), the sample CSV, and broken files.
final class InspectCommandTests: XCTestCase {
    private var dir: URL!
    private var table: EventTable!
    private var pool: URL!
    /// A seed above 2^53: must come back exactly, not through a Double.
    private let seed: UInt64 = 18_446_744_073_709_551_557

    private struct Metadata: Encodable {
        var simulator: String
        var seed: UInt64
        var rowsPerProcess: [String: Int]
    }

    override func setUpWithError() throws {
        dir = try ReferenceData.temporaryDirectory("inspect")
        table = try EventTable.readCSV(from: ReferenceData.sample("input_rows.csv")).table
        pool = dir.appendingPathComponent("sample.pool")
        let writer = try PoolWriter(url: pool, blockRows: 300)
        try writer.append(table)
        try writer.finish(metadata: Metadata(simulator: "test 1.0", seed: seed,
                                             rowsPerProcess: Dictionary(uniqueKeysWithValues: table.rowCounts().map { ($0.key.rawValue, $0.value) })))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func json(_ run: BenchProcess.Output) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stdout)
    }

    func testJSONReportOfAPool() throws {
        let run = try BenchProcess.run(["inspect", pool.path, "--format", "json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let report = try json(run)
        XCTAssertEqual(report["format"] as? String, "pool")
        XCTAssertEqual(report["rows"] as? Int, 1000)
        XCTAssertEqual(report["blocks"] as? Int, 4)
        XCTAssertEqual(report["block_rows"] as? Int, 300)
        XCTAssertEqual(report["format_version"] as? Int, 1)

        let processes = try XCTUnwrap(report["processes"] as? [String: [String: Any]])
        let counts = table.rowCounts(), sums = table.weightSums()
        for process in PhysicsProcess.allCases {
            XCTAssertEqual(processes[process.rawValue]?["rows"] as? Int, counts[process], process.rawValue)
            let sum = try XCTUnwrap(processes[process.rawValue]?["sum_of_weights"] as? Double)
            XCTAssertEqual(sum, sums[process]!, accuracy: 1e-9 * sums[process]!, process.rawValue)
        }
        // The sample's own metadata file states the total: sum_weights 1051433 (rounded).
        let total = processes.values.compactMap { $0["sum_of_weights"] as? Double }.reduce(0, +)
        XCTAssertEqual(total, 1_051_433, accuracy: 0.5)

        // Every feature against a direct computation, leaving -25 out where it is the marker.
        let features = try XCTUnwrap(report["features"] as? [[String: Any]])
        XCTAssertEqual(features.map { $0["name"] as? String }, Feature.allCases.map(\.rawValue))
        for (feature, entry) in zip(Feature.allCases, features) {
            let values = table[feature].filter { !(feature.mayBeUndefined && $0 == Feature.undefined) }.map(Double.init)
            XCTAssertEqual(entry["defined"] as? Int, values.count, feature.rawValue)
            XCTAssertEqual(entry["unit"] as? String, feature.unit)
            // Extremes are written in Float32's shortest form: exact after conversion to Float.
            XCTAssertEqual((entry["min"] as? Double).map(Float.init), values.min().map(Float.init), feature.rawValue)
            XCTAssertEqual((entry["max"] as? Double).map(Float.init), values.max().map(Float.init), feature.rawValue)
            let mean = try XCTUnwrap(entry["mean"] as? Double)
            XCTAssertEqual(mean, values.reduce(0, +) / Double(values.count), accuracy: 1e-9 * (1 + abs(mean)), feature.rawValue)
            if feature.mayBeUndefined {
                XCTAssertEqual(entry["undefined"] as? Int, 1000 - values.count, feature.rawValue)
            } else {
                XCTAssertNil(entry["undefined"], feature.rawValue)
            }
        }
        // The leading jet is missing in 514 sample rows: its min is a real pt, not -25.
        let leading = features[Feature.jetLeadingPt.index]
        XCTAssertEqual(leading["undefined"] as? Int, 514)
        XCTAssertGreaterThan(try XCTUnwrap(leading["min"] as? Double), 20)

        let metadata = try XCTUnwrap(report["metadata"] as? [String: Any])
        XCTAssertEqual(metadata["simulator"] as? String, "test 1.0")
        XCTAssert(run.stdout.contains("\"seed\" : \(seed)"), run.stdout)
    }

    func testTextReportOfAPool() throws {
        let run = try BenchProcess.run(["inspect", pool.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssert(run.stdout.contains("pool file, format version 1, 1000 rows in 4 block(s)"), run.stdout)
        XCTAssert(run.stdout.contains("all checksums verified"), run.stdout)
        let ztautau = try XCTUnwrap(run.stdout.split(separator: "\n").first { $0.hasPrefix("ztautau") })
        XCTAssertEqual(ztautau.split(separator: " ")[1], "634")
        XCTAssert(run.stdout.contains("PRI_jet_leading_pt"))
        XCTAssert(run.stdout.contains("\"simulator\" : \"test 1.0\""), run.stdout)
    }

    func testCSVFileIsInspectedToo() throws {
        let run = try BenchProcess.run(["inspect", ReferenceData.sample("input_rows.csv").path, "--format", "json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let report = try json(run)
        XCTAssertEqual(report["format"] as? String, "csv")
        XCTAssertEqual(report["rows"] as? Int, 1000)
        XCTAssertEqual(report["derived_features_computed"] as? Bool, false)
        XCTAssert(report["metadata"] is NSNull || report["metadata"] == nil)

        // The pool of the same rows gives the same statistics.
        let poolReport = try json(try BenchProcess.run(["inspect", pool.path, "--format", "json"]))
        XCTAssertEqual(NSDictionary(dictionary: report["processes"] as! [String: Any]),
                       NSDictionary(dictionary: poolReport["processes"] as! [String: Any]))
        XCTAssertEqual((report["features"] as! [[String: Any]]).map(NSDictionary.init(dictionary:)),
                       (poolReport["features"] as! [[String: Any]]).map(NSDictionary.init(dictionary:)))
    }

    func testCorruptPoolFailsNamingFileBlockAndColumn() throws {
        var bytes = [UInt8](try Data(contentsOf: pool))
        // A byte inside block 0's first column stream (the header is 537 bytes).
        bytes[537 + 20] ^= 0x01
        let bad = dir.appendingPathComponent("corrupt.pool")
        try Data(bytes).write(to: bad)
        let run = try BenchProcess.run(["inspect", bad.path])
        XCTAssertNotEqual(run.status, 0)
        XCTAssert(run.stderr.contains(bad.path), run.stderr)
        XCTAssert(run.stderr.contains("block 0, column PRI_lep_pt"), run.stderr)
        XCTAssert(run.stderr.contains("checksum"), run.stderr)
        XCTAssertEqual(run.stdout, "", "a corrupt pool must not be summarised")
    }

    func testTruncatedNotAPoolAndMissingFilesFail() throws {
        let bytes = try Data(contentsOf: pool)
        let cut = dir.appendingPathComponent("cut.pool")
        try bytes.prefix(bytes.count / 2).write(to: cut)
        let truncated = try BenchProcess.run(["inspect", cut.path, "--format", "json"])
        XCTAssertNotEqual(truncated.status, 0)
        XCTAssert(truncated.stderr.contains("truncated"), truncated.stderr)

        // Parquet is read (by content), anything else that is not a pool is refused.
        let parquet = ReferenceData.sample("FAIR_Universe_HiggsML_data.parquet")
        let fromParquet = try BenchProcess.run(["inspect", parquet.path])
        XCTAssertEqual(fromParquet.status, 0, fromParquet.stderr)
        XCTAssert(fromParquet.stdout.contains("Parquet file, 1000 rows"), fromParquet.stdout)
        let image = dir.appendingPathComponent("picture.pool")
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 7, count: 64)).write(to: image)
        let notPool = try BenchProcess.run(["inspect", image.path])
        XCTAssertNotEqual(notPool.status, 0)
        XCTAssert(notPool.stderr.contains("is not a pool file"), notPool.stderr)

        let missing = try BenchProcess.run(["inspect", dir.appendingPathComponent("missing.pool").path])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssert(missing.stderr.contains("missing.pool"), missing.stderr)

        let badCSV = dir.appendingPathComponent("bad.csv")
        try "PRI_lep_pt\n1\n".write(to: badCSV, atomically: true, encoding: .utf8)
        let csv = try BenchProcess.run(["inspect", badCSV.path])
        XCTAssertNotEqual(csv.status, 0)
        XCTAssert(csv.stderr.contains("bad.csv"), csv.stderr)
    }

    func testBadFormatOptionIsRefused() throws {
        let run = try BenchProcess.run(["inspect", pool.path, "--format", "yaml"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssert(run.stderr.contains("yaml"), run.stderr)
    }
}
