import XCTest
import TestSupport
@testable import PseudoExperiments

/// Streaming a plan to pool and CSV files: byte-identical for any number of workers, complete,
/// carrying the yields.
final class EventSimulatorTests: XCTestCase {
    let spec = try! ChallengeSpec.builtin(named: "fair-universe-2024")

    /// Small blocks so that a few thousand events make many blocks and the workers interleave.
    func smallPlan(seed: UInt64 = 21) -> SimulationPlan {
        SimulationPlan(seed: seed, rows: ProcessRows(htautau: 1_300, ztautau: 1_700, ttbar: 600, diboson: 250),
                       spec: spec, blockRows: 250)
    }

    func testPoolsAreByteIdenticalForAnyNumberOfWorkers() throws {
        let dir = try ReferenceData.temporaryDirectory("simulator-workers")
        defer { try? FileManager.default.removeItem(at: dir) }
        let plan = smallPlan()
        XCTAssertEqual(plan.blocks.count, 6 + 7 + 3 + 1)
        var files: [Data] = []
        for workers in [1, 2, 3] {
            let url = dir.appendingPathComponent("pool-\(workers).fuqpool")
            let summary = try EventSimulator.write(plan, to: url, workers: workers)
            XCTAssertEqual(summary.rows, plan.rows)
            files.append(try Data(contentsOf: url))
        }
        XCTAssertEqual(files[0], files[1])
        XCTAssertEqual(files[0], files[2])
        // The same bytes as the blocks generated one after the other by hand.
        var table = EventTable()
        for block in plan.blocks {
            table.append(contentsOf: ProcessGenerator.standard.block(of: block.process, rows: block.rows,
                                                                     seed: block.seed, weight: plan.weight(of: block.process)).table)
        }
        let reader = try PoolReader(url: dir.appendingPathComponent("pool-2.fuqpool"))
        XCTAssertEqual(try reader.readAll(), table)
        let metadata = try reader.metadata(as: EventSimulator.Metadata.self)
        XCTAssertEqual(metadata, EventSimulator.Metadata(plan: plan))
        XCTAssertEqual(metadata.simulatorVersion, EventSimulator.version)
        // Another seed, other bytes.
        let other = dir.appendingPathComponent("other.fuqpool")
        try EventSimulator.write(smallPlan(seed: 22), to: other, workers: 2)
        XCTAssertNotEqual(try Data(contentsOf: other), files[0])
    }

    func testPoolCarriesTheYields() throws {
        let dir = try ReferenceData.temporaryDirectory("simulator-yields")
        defer { try? FileManager.default.removeItem(at: dir) }
        let plan = smallPlan()
        let url = dir.appendingPathComponent("pool.fuqpool")
        try EventSimulator.write(plan, to: url, workers: 2)
        let table = try PoolReader(url: url).readAll()
        let sums = table.weightSums()
        XCTAssertEqual(table.rowCounts(), [.htautau: 1_300, .ztautau: 1_700, .ttbar: 600, .diboson: 250])
        for process in PhysicsProcess.allCases {
            let yield = spec.yields.expectedEvents[process]!
            XCTAssertEqual(sums[process]!, yield, accuracy: yield * 1e-6, process.rawValue)
        }
    }

    func testCSVOutputHasTheFairUniverseColumnsOnce() throws {
        let dir = try ReferenceData.temporaryDirectory("simulator-csv")
        defer { try? FileManager.default.removeItem(at: dir) }
        let plan = smallPlan()
        let csv = dir.appendingPathComponent("events.csv")
        let pool = dir.appendingPathComponent("events.fuqpool")
        try EventSimulator.write(plan, to: csv, workers: 2)
        try EventSimulator.write(plan, to: pool, workers: 1)
        let text = try String(contentsOf: csv, encoding: .utf8)
        let header = EventTable.csvColumnNames(withInputRow: false).joined(separator: ",")
        XCTAssertTrue(text.hasPrefix(header + "\n"))
        XCTAssertEqual(text.components(separatedBy: header).count, 2, "one header line")
        XCTAssertTrue(text.contains(",ztautau,0.0,") && text.contains(",htautau,1.0,"))
        // CSV and pool hold the same events (CSV floats read back exactly).
        let read = try EventTable.readCSV(from: csv)
        XCTAssertFalse(read.derivedFeaturesComputed)
        XCTAssertEqual(read.table, try PoolReader(url: pool).readAll())
        // No temporary file is left behind.
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)), ["events.csv", "events.fuqpool"])
    }

    func testUnwritableOutputIsAClearError() throws {
        let plan = smallPlan()
        for name in ["x.csv", "x.fuqpool"] {
            let url = URL(fileURLWithPath: "/nonexistent-directory-\(UUID().uuidString)/\(name)")
            XCTAssertThrowsError(try EventSimulator.write(plan, to: url, workers: 1)) { error in
                XCTAssertTrue("\(error)".contains("nonexistent-directory"), "\(error)")
            }
        }
    }
}
