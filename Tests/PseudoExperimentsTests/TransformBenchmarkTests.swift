import XCTest
@testable import PseudoExperiments

final class TransformBenchmarkTests: XCTestCase {
    func testSmallRunReportsEveryFigure() throws {
        let figures = try TransformBenchmark(events: 4_000, repetitions: 1, cores: 2).run()
        let keys = Set(figures.map(\.key))
        for key in ["transform_events_per_second_one_core", "transform_events_per_second_all_cores",
                    "transform_gb_per_second_one_core", "transform_gb_per_second_all_cores",
                    "transform_gather_events_per_second_one_core", "transform_prepare_events_per_second"] {
            XCTAssertTrue(keys.contains(key), key)
        }
        for f in figures { XCTAssertTrue(f.value.isFinite && f.value > 0, "\(f.key) = \(f.value)") }
        // The simulated pool exercises the cuts: some but not all events survive.
        let fraction = try XCTUnwrap(figures.first { $0.key == "transform_survivor_fraction" }).value
        XCTAssertTrue(fraction > 0.5 && fraction < 1, "\(fraction)")
    }

    func testJSONReport() {
        let json = BenchmarkReport.json([BenchmarkFigure(key: "a", value: 2, unit: "", label: ""),
                                         BenchmarkFigure(key: "b", value: 0.5, unit: "", label: "")])
        XCTAssertEqual(json, "{\n  \"a\": 2,\n  \"b\": 0.5\n}")
    }
}
