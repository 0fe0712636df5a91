import XCTest
@testable import PseudoExperiments

/// Rows per process, the block and seed rule, and the weights.
final class SimulationPlanTests: XCTestCase {
    let spec = try! ChallengeSpec.builtin(named: "fair-universe-2024")

    func testDefaultSplitOversamplesTheSignal() throws {
        let rows = try ProcessRows.split(total: 1_000_000)
        XCTAssertEqual(rows, ProcessRows(htautau: 336_000, ztautau: 554_000, ttbar: 80_000, diboson: 30_000))
        XCTAssertEqual(try ProcessRows.split(total: 4), ProcessRows(htautau: 1, ztautau: 1, ttbar: 1, diboson: 1))
        XCTAssertEqual(try ProcessRows.split(total: 17).total, 17)
        XCTAssertThrowsError(try ProcessRows.split(total: 3)) { error in
            XCTAssertEqual(error as? SimulationError, .tooFewEvents(requested: 3, minimum: 4))
            XCTAssertTrue("\(error)".contains("at least 4"))
        }
    }

    func testRowSpecificationParsing() throws {
        XCTAssertEqual(try ProcessRows.parse("ztautau=5,htautau=1_000, ttbar=2,diboson=1"),
                       ProcessRows(htautau: 1000, ztautau: 5, ttbar: 2, diboson: 1))
        let rows = ProcessRows(htautau: 3, ztautau: 4, ttbar: 5, diboson: 6)
        XCTAssertEqual(try ProcessRows.parse(rows.description), rows)
        for (text, fragment) in [("htautau=1,ztautau=1,ttbar=1", "no count for diboson"),
                                 ("htautau=1,ztautau=1,ttbar=1,diboson=0", "not a positive whole number"),
                                 ("htautau=1,ztautau=1,ttbar=1,diboson=x", "'x'"),
                                 ("htautau=1,ztautau=1,ttbar=1,higgs=1", "'higgs' is not a process"),
                                 ("htautau=1,htautau=2,ztautau=1,ttbar=1,diboson=1", "given twice"),
                                 ("htautau:1", "not of the form process=N"), ("", "not of the form")] {
            XCTAssertThrowsError(try ProcessRows.parse(text), text) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(text): \(error)")
            }
        }
    }

    func testBlocksAndSeeds() {
        let plan = SimulationPlan(seed: 9, rows: ProcessRows(htautau: 5, ztautau: 7, ttbar: 3, diboson: 1),
                                  spec: spec, blockRows: 3)
        let blocks = plan.blocks
        XCTAssertEqual(blocks.map(\.process), [.htautau, .htautau, .ztautau, .ztautau, .ztautau, .ttbar, .diboson])
        XCTAssertEqual(blocks.map(\.rows), [3, 2, 3, 3, 1, 3, 1])
        XCTAssertEqual(blocks.map(\.firstRow), [0, 3, 0, 3, 6, 0, 0])
        XCTAssertEqual(blocks[3].seed, SeedDerivation.derive(9, .simulator, Int(PhysicsProcess.ztautau.code), 1))
        XCTAssertEqual(Set(blocks.map(\.seed)).count, blocks.count)
    }

    func testWeightsSumToTheSpecYields() throws {
        let plan = try SimulationPlan(seed: 1, events: 123_457, spec: spec)
        for process in PhysicsProcess.allCases {
            let sum = Double(plan.weight(of: process)) * Double(plan.rows[process])
            let yield = try XCTUnwrap(spec.yields.expectedEvents[process])
            XCTAssertEqual(sum, yield, accuracy: yield * 1e-7, process.rawValue)
            XCTAssertEqual(plan.yields[process], yield)
        }
        XCTAssertEqual(plan.yields.ztautau, 1_002_395)
        XCTAssertEqual(plan.yieldLuminosity, 10)
    }
}
