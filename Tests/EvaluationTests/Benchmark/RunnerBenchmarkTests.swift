import Evaluation
import Foundation
import TestSupport
import XCTest

/// The runner benchmark runs the real runner and reports its figures (timed in release by
/// `bench benchmark`, never judged here).
final class RunnerBenchmarkTests: XCTestCase {
    func testFiguresAreReported() throws {
        let directory = try ReferenceData.temporaryDirectory("runner-benchmark")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try RunnerBenchmark.measure(directory: directory, pseudoExperiments: 30)
        XCTAssertEqual(result.timings.generated, 30)
        XCTAssertEqual(result.timings.estimates, 30)
        let keys = result.figures.map(\.key)
        XCTAssertEqual(RunnerBenchmark().name, "runner")
        XCTAssertEqual(keys, ["runner_pseudo_experiments", "runner_overhead_ms_in_process", "runner_record_ms_per_result"])
        for figure in result.figures {
            XCTAssertTrue(figure.value.isFinite && figure.value >= 0, "\(figure)")
        }
        XCTAssertGreaterThan(result.timings.recordingSeconds, 0)
    }
}
