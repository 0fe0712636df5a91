import Evaluation
import Foundation
import PseudoExperiments
import Scoring
import XCTest

/// Estimators that fail: every failure recorded with its reason and scored as one, the run
/// completed, the other contestants' results intact, the submission on the leaderboard.
final class FailureTests: XCTestCase {
    /// Runs `estimator` beside the counting estimator; returns the failing run's outcomes.
    private func outcomes(_ estimator: any Estimator, options: EvaluationOptions = RunnerFixture.options(),
                          file: StaticString = #filePath, line: UInt = #line)
        throws -> (outcomes: [PseudoExperimentOutcome], report: ContestantReport, fixture: RunnerFixture) {
        let f = try RunnerFixture("failure-\(estimator.name)", sets: 3, perSet: 4)
        let good = try RunnerFixture.entry(CountingTestEstimator())
        let report = try f.runner(options).run([good, try RunnerFixture.entry(estimator)])
        XCTAssertEqual(report.contestants.map(\.status), [.completed, .completed], file: file, line: line)
        // The other contestant is untouched: all its results, none failed.
        let goodOutcomes = try f.store.outcomes(of: report.contestants[0].run)
        XCTAssertEqual(goodOutcomes.count, 12, file: file, line: line)
        XCTAssertTrue(goodOutcomes.allSatisfy { $0.failure == nil && $0.estimate != nil }, file: file, line: line)
        return (try f.store.outcomes(of: report.contestants[1].run), report.contestants[1], f)
    }

    /// Pseudo-experiments whose view has an odd number of rows (where the test estimators fail).
    private func oddKeys(_ f: RunnerFixture) throws -> Set<PseudoExperimentKey> {
        Set(try f.sets.truths.filter { try f.sets.view(of: $0.key).count % 2 == 1 }.map(\.key))
    }

    func testThrownErrorIsARecordedFailureWithItsMessage() throws {
        let (outcomes, report, f) = try outcomes(MisbehavingEstimator(mode: .throwing))
        defer { f.remove() }
        let odd = try oddKeys(f)
        XCTAssertFalse(odd.isEmpty, "the fixture needs some odd views")
        XCTAssertEqual(outcomes.count, 12)
        for o in outcomes {
            if odd.contains(o.key) {
                XCTAssertNil(o.estimate)
                XCTAssertTrue(o.failure?.hasPrefix("the estimator threw an error: cannot handle ") ?? false, "\(o)")
            } else {
                XCTAssertNil(o.failure)
            }
        }
        XCTAssertEqual(report.failures, odd.count)
        XCTAssertEqual(report.scorecard?.overall.failures, odd.count)
    }

    func testNaNInfiniteAndSwappedBoundsAreFailuresKeepingTheNumbers() throws {
        let cases: [(MisbehavingEstimator.Mode, String)] = [
            (.nan, "p16 is NaN"), (.infinite, "p84 is +infinity"), (.swapped, "swapped bounds: p16 = "),
        ]
        for (mode, reason) in cases {
            let (outcomes, report, f) = try outcomes(MisbehavingEstimator(mode: mode))
            defer { f.remove() }
            let odd = try oddKeys(f)
            for o in outcomes {
                XCTAssertNotNil(o.estimate, "the numbers are recorded as returned")
                XCTAssertEqual(o.failure?.hasPrefix(reason) ?? false, odd.contains(o.key), "\(mode): \(o)")
            }
            if mode == .nan { XCTAssertTrue(outcomes.contains { $0.estimate?.interval68.lower.isNaN ?? false }) }
            if mode == .swapped { XCTAssertTrue(outcomes.contains { $0.estimate?.interval68.isSwapped ?? false }) }
            let card = try XCTUnwrap(report.scorecard)
            XCTAssertEqual(card.overall.failures, odd.count, "\(mode)")
            XCTAssertTrue(card.overall.score.isFinite, "failures have a price, not a NaN score")
        }
    }

    func testEstimatesOverTheTimeLimitAreFailures() throws {
        let (outcomes, report, f) = try outcomes(MisbehavingEstimator(mode: .slow),
                                                 options: RunnerFixture.options(timeLimit: 0.02))
        defer { f.remove() }
        XCTAssertEqual(report.failures, 12)
        for o in outcomes {
            XCTAssertGreaterThanOrEqual(o.runtimeSeconds, 0.05)
            XCTAssertNotNil(o.estimate)
            XCTAssertTrue(o.failure?.contains("over the limit of 0.02 s per pseudo-experiment") ?? false, "\(o)")
        }
        XCTAssertEqual(report.flags, [], "overtime is not state")
    }

    func testFailedStartUpFailsEveryPseudoExperimentAndIsListed() throws {
        let (outcomes, report, f) = try outcomes(FailingFitEstimator())
        defer { f.remove() }
        XCTAssertEqual(outcomes.count, 12)
        XCTAssertTrue(outcomes.allSatisfy {
            $0.estimate == nil && $0.failure == "start-up failed: the estimator threw an error: "
                + "the training pool is not what I expected"
        }, "\(outcomes[0])")
        XCTAssertEqual(report.fitFailure, outcomes[0].failure)
        XCTAssertEqual(report.statefulnessChecked, 0)

        let table = try XCTUnwrap(try LeaderboardTable.tables(from: f.store, bootstrap: BootstrapOptions(replicates: 20))
            .first)
        let row = try XCTUnwrap(table.rows.first { $0.submission.name == "test-failing-fit" })
        XCTAssertEqual(row.metrics.failures, 12)
        XCTAssertEqual(row.metrics.coverage, 0)
        let text = LeaderboardTable.render([table], as: .table)
        XCTAssertTrue(text.contains("test-failing-fit"), text)
    }

    func testStartUpOverTheLimitIsAFailure() throws {
        var options = RunnerFixture.options()
        options.startupTimeLimit = 1e-9
        let f = try RunnerFixture("startup-limit")
        defer { f.remove() }
        let report = try f.runner(options).run([try RunnerFixture.entry(CountingTestEstimator())])
        let reason = try XCTUnwrap(report.contestants[0].fitFailure)
        XCTAssertTrue(reason.hasPrefix("start-up took ") && reason.hasSuffix("over the limit of 1e-09 s"), reason)
        XCTAssertEqual(report.contestants[0].failures, 6)
    }
}
