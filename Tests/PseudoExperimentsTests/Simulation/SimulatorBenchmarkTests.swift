import XCTest
@testable import PseudoExperiments

/// The simulator's benchmark suite runs and reports every figure (its numbers are meaningful in
/// release builds only; `bench benchmark` prints them).
final class SimulatorBenchmarkTests: XCTestCase {
    func testSmallRunReportsEveryFigure() throws {
        let figures = try SimulatorBenchmark(events: 2_000, repetitions: 1, cores: 2).run()
        let byKey = Dictionary(uniqueKeysWithValues: figures.map { ($0.key, $0.value) })
        for key in ["simulator_events_per_second_one_core", "simulator_events_per_second_all_cores",
                    "simulator_events_per_second_one_core_wall", "simulator_events_per_second_all_cores_wall"] {
            let value = try XCTUnwrap(byKey[key], key)
            XCTAssertTrue(value.isFinite && value > 0, "\(key) = \(value)")
        }
        XCTAssertEqual(byKey["simulator_events"], 2_000)
        // The Z selection keeps about 1 candidate in 11, the signal's about 1 in 4.5.
        XCTAssertEqual(try XCTUnwrap(byKey["simulator_selection_efficiency_ztautau"]), 0.09, accuracy: 0.03)
        XCTAssertEqual(try XCTUnwrap(byKey["simulator_selection_efficiency_htautau"]), 0.22, accuracy: 0.05)
    }

    func testInMemoryTableIsTheStreamedPool() throws {
        let spec = try ChallengeSpec.builtin(named: "fair-universe-2024")
        let plan = SimulationPlan(seed: 4, rows: ProcessRows(htautau: 200, ztautau: 300, ttbar: 50, diboson: 20),
                                  spec: spec, blockRows: 64)
        var streamed = EventTable()
        try EventSimulator.generate(plan, workers: 2) { _, block in streamed.append(contentsOf: block.table) }
        XCTAssertEqual(try EventSimulator.table(plan, workers: 1), streamed)
    }
}
