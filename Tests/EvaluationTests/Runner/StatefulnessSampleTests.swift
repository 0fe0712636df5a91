@testable import Evaluation
import Foundation
import PseudoExperiments
import Scoring
import XCTest

/// The statefulness sample: a seeded few percent of the pseudo-experiments, at least one.
final class StatefulnessSampleTests: XCTestCase {
    func testSampleIsTheFractionOnAverageAndAtLeastOne() throws {
        let f = try RunnerFixture("sample")
        defer { f.remove() }
        let keys = (0..<10).flatMap { s in (0..<100).map { PseudoExperimentKey(setIndex: s, index: $0) } }
        var total = 0
        for seed in 0..<50 as Range<UInt64> {
            let runner = try f.runner(RunnerFixture.options(seed: seed, fraction: 0.03))
            let sample = runner.statefulnessSample(keys)
            XCTAssertEqual(sample, runner.statefulnessSample(keys.reversed()), "a function of the seed and keys")
            total += sample.count
        }
        // 50 x 1000 draws at 3%: mean 1500, standard deviation ~38; 5 sigma either way.
        XCTAssertEqual(Double(total), 1500, accuracy: 190)

        let tiny = [PseudoExperimentKey(setIndex: 0, index: 0), PseudoExperimentKey(setIndex: 0, index: 1)]
        XCTAssertEqual(try f.runner(RunnerFixture.options(fraction: 0.001)).statefulnessSample(tiny).count, 1)
        XCTAssertEqual(try f.runner(RunnerFixture.options(fraction: 1)).statefulnessSample(tiny).count, 2)
        XCTAssertEqual(try f.runner(RunnerFixture.options(fraction: 0)).statefulnessSample(tiny).count, 0)
    }
}
