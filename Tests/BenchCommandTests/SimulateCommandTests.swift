import XCTest
import Foundation
import TestSupport
import PseudoExperiments

/// `bench simulate` end to end: the real binary, real files.
final class SimulateCommandTests: XCTestCase {
    func testWritesCSVAndPoolWithTheSameEventsWhateverTheWorkers() throws {
        let dir = try ReferenceData.temporaryDirectory("simulate")
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("events.csv")
        let run = try BenchProcess.run(["simulate", "--events", "3000", "--seed", "17", "--output", csv.path, "--workers", "2"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("wrote 3000 events"), run.stdout)
        XCTAssertTrue(run.stdout.contains("sum of weights 1002395.0"), run.stdout)
        let table = try EventTable.readCSV(from: csv).table
        XCTAssertEqual(table.rowCounts(), [.htautau: 1008, .ztautau: 1662, .ttbar: 240, .diboson: 90])
        XCTAssertEqual(table.weightSums()[.ttbar]!, 44_192, accuracy: 0.05)

        var pools: [Data] = []
        for workers in ["1", "2"] {
            let pool = dir.appendingPathComponent("events-\(workers).fuqpool")
            let r = try BenchProcess.run(["simulate", "--events", "3000", "--seed", "17", "--output", pool.path,
                                          "--workers", workers])
            XCTAssertEqual(r.status, 0, r.stderr)
            pools.append(try Data(contentsOf: pool))
        }
        XCTAssertEqual(pools[0], pools[1])
        XCTAssertEqual(try PoolReader(url: dir.appendingPathComponent("events-1.fuqpool")).readAll(), table)
    }

    func testRowsPerProcess() throws {
        let dir = try ReferenceData.temporaryDirectory("simulate-rows")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("rows.csv")
        let run = try BenchProcess.run(["simulate", "--rows", "htautau=336,ztautau=634,ttbar=26,diboson=4", "--seed", "3",
                                        "--output", out.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        let table = try EventTable.readCSV(from: out).table
        XCTAssertEqual(table.rowCounts(), [.htautau: 336, .ztautau: 634, .ttbar: 26, .diboson: 4])
        // Like the real sample: signal at weight ~3, Z at ~1581.
        XCTAssertEqual(Double(table.weights[0]), 1015.0 / 336, accuracy: 1e-4)
        XCTAssertEqual(Double(table.weights[400]), 1_002_395.0 / 634, accuracy: 1e-2)
    }

    func testBadInputIsRefusedWithAClearMessage() throws {
        let dir = try ReferenceData.temporaryDirectory("simulate-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("x.csv").path
        let cases: [([String], String)] = [
            (["simulate", "--seed", "1", "--output", out], "--events"),
            (["simulate", "--events", "3", "--seed", "1", "--output", out], "at least 4"),
            (["simulate", "--events", "0", "--seed", "1", "--output", out], "positive"),
            (["simulate", "--rows", "htautau=1,ztautau=1", "--seed", "1", "--output", out], "no count for ttbar, diboson"),
            (["simulate", "--events", "10", "--rows", "htautau=1,ztautau=1,ttbar=1,diboson=1", "--seed", "1", "--output", out],
             "add up to 4"),
            (["simulate", "--events", "10", "--seed", "-1", "--output", out], "seed"),
            (["simulate", "--events", "10", "--seed", "1", "--workers", "0", "--output", out], "--workers"),
            (["simulate", "--events", "10", "--seed", "1", "--output", "/nonexistent-\(UUID().uuidString)/x.csv"], "nonexistent"),
            (["simulate", "--events", "10", "--seed", "1", "--spec", "no-such-spec", "--output", out], "no-such-spec"),
        ]
        for (args, fragment) in cases {
            let run = try BenchProcess.run(args)
            XCTAssertNotEqual(run.status, 0, args.joined(separator: " "))
            XCTAssertTrue(run.stderr.contains(fragment), "\(args.joined(separator: " ")): \(run.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }
}
