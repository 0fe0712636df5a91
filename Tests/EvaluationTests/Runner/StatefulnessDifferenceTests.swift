@testable import Evaluation
import Foundation
import PseudoExperiments
import Scoring
import XCTest

/// What the statefulness check counts as a difference: other numbers, or numbers on one side
/// and a failure on the other; never two failures that differ only in their text.
final class StatefulnessDifferenceTests: XCTestCase {
    let key = PseudoExperimentKey(setIndex: 0, index: 0)

    func outcome(_ p16: Double? = nil, failure: String? = nil) -> PseudoExperimentOutcome {
        PseudoExperimentOutcome(key: key, estimate: p16.map { Estimate(interval68: ConfidenceInterval(lower: $0, upper: $0 + 1)) },
                                failure: failure, runtimeSeconds: 0.1)
    }

    /// A plugin that only crashes: the crash message names another process each time.
    func testFailuresThatDifferInTextAreNoDifference() {
        XCTAssertNil(EvaluationRunner.difference(
            recorded: outcome(failure: "the plugin process exited (status 1): worker 0, pid 4711"),
            again: outcome(failure: "the plugin process exited (status 1): worker 1, pid 4802")))
    }

    func testOtherNumbersOrAFailureOnOneSideAreDifferences() {
        XCTAssertNil(EvaluationRunner.difference(recorded: outcome(0.5), again: outcome(0.5)))
        XCTAssertNotNil(EvaluationRunner.difference(recorded: outcome(0.5), again: outcome(0.6)))
        XCTAssertNotNil(EvaluationRunner.difference(recorded: outcome(0.5), again: outcome(failure: "crashed")))
        XCTAssertNotNil(EvaluationRunner.difference(recorded: outcome(failure: "crashed"), again: outcome(0.5)))
    }
}
