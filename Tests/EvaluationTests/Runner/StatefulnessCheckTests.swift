import Evaluation
import Foundation
import PseudoExperiments
import Scoring
import XCTest

/// The statefulness check: an estimator that remembers earlier pseudo-experiments is flagged on
/// its run and on the leaderboard; one that does not is not.
final class StatefulnessCheckTests: XCTestCase {
    func testStatefulEstimatorIsFlaggedAndCleanOnesAreNot() throws {
        let f = try RunnerFixture("stateful", sets: 2, perSet: 5)
        defer { f.remove() }
        // Every pseudo-experiment re-checked: the k-th of n in the run order is the (n - k + 1)-th
        // in the fresh instance's reverse order, so the stateful estimator must differ somewhere
        // (with a small sample, the one sampled pseudo-experiment may come first in both orders).
        let report = try f.runner(RunnerFixture.options(jobs: 1, fraction: 1)).run([
            try RunnerFixture.entry(CountingTestEstimator()), try RunnerFixture.entry(StatefulEstimator()),
            try RunnerFixture.entry(GeneratorProbe()),
        ])
        XCTAssertEqual(report.contestants[0].flags, [])
        XCTAssertEqual(report.contestants[2].flags, [], "the generator is a function of the pseudo-experiment only")
        let flag = try XCTUnwrap(report.contestants[1].flags.first)
        XCTAssertEqual(flag.kind, RunFlag.stateful)
        XCTAssertTrue(flag.detail.contains("estimated again by a fresh instance, in another order, gave other results"),
                      flag.detail)
        XCTAssertTrue(flag.detail.contains("p16"), flag.detail)
        XCTAssertEqual(try f.store.flags(of: report.contestants[1].run), [flag])
        XCTAssertGreaterThanOrEqual(report.contestants[1].statefulnessChecked, 1)

        let table = try XCTUnwrap(try LeaderboardTable.tables(from: f.store, bootstrap: BootstrapOptions(replicates: 20))
            .first)
        XCTAssertNil(table.rows.first { $0.submission.name == "test-stateful" }?.rank, "a stateful run is not ranked")
        XCTAssertNil(table.rows.first { $0.submission.name == "test-stateful" }?.versusNext)
        let text = LeaderboardTable.render([table], as: .table)
        XCTAssertTrue(text.contains("test-stateful (!)"), text)
        XCTAssertTrue(text.contains("NOT RANKED"), text)
        XCTAssertTrue(text.contains("Flagged (!): test-stateful, run \(report.contestants[1].run): stateful: "), text)
        let csv = LeaderboardTable.render([table], as: .csv)
        XCTAssertTrue(csv.contains("stateful: "), csv)
    }

    func testCheckCanBeTurnedOff() throws {
        let f = try RunnerFixture("stateful-off")
        defer { f.remove() }
        let report = try f.runner(RunnerFixture.options(fraction: 0)).run([try RunnerFixture.entry(StatefulEstimator())])
        XCTAssertEqual(report.contestants[0].flags, [])
        XCTAssertEqual(report.contestants[0].statefulnessChecked, 0)
    }
}
