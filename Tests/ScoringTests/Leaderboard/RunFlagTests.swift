import Foundation
import PseudoExperiments
@testable import Scoring
import XCTest

/// Flags on runs: stored once per kind, replaced, kept through completion, shown on leaderboards.
final class RunFlagTests: XCTestCase {
    func testFlagsAreStoredPerKindAndShownOnTheLeaderboard() throws {
        let f = try StoreFixture("run-flags")
        defer { f.remove() }
        let run = try f.store.beginRun(submission: StoreFixture.submission("alpha"), setManifestHash: StoreFixture.manifest)
        XCTAssertEqual(try f.store.flags(of: run.id), [])
        try f.store.flagRun(run.id, RunFlag(kind: RunFlag.stateful, detail: "first"))
        try f.store.flagRun(run.id, RunFlag(kind: RunFlag.stateful, detail: "1 of 3 differ"))
        try f.store.flagRun(run.id, RunFlag(kind: "another", detail: "x"))
        XCTAssertEqual(try f.store.flags(of: run.id), [RunFlag(kind: "another", detail: "x"),
                                                       RunFlag(kind: "stateful", detail: "1 of 3 differ")])
        for key in f.keys { try f.store.record(f.outcome(key), in: run.id) }
        try f.store.finishRun(run.id, status: .completed)

        let other = try f.store.beginRun(submission: StoreFixture.submission("beta"), setManifestHash: StoreFixture.manifest)
        for key in f.keys { try f.store.record(f.outcome(key, halfWidth: 0.4), in: other.id) }
        try f.store.finishRun(other.id, status: .completed)

        let tables = try LeaderboardTable.tables(from: f.store, bootstrap: BootstrapOptions(replicates: 10))
        let rows = try XCTUnwrap(tables.first).rows
        XCTAssertEqual(rows.first { $0.submission.name == "alpha" }?.flags.count, 2)
        XCTAssertEqual(rows.first { $0.submission.name == "beta" }?.flags, [])
        let text = LeaderboardTable.render(tables, as: .table)
        XCTAssertTrue(text.contains("alpha (!)"), text)
        XCTAssertFalse(text.contains("beta (!)"), text)
        XCTAssertTrue(text.contains("Flagged (!): alpha, run \(run.id): another: x; stateful: 1 of 3 differ"), text)
        let csv = try CSVText.records(LeaderboardTable.render(tables, as: .csv))
        let flagsColumn = try XCTUnwrap(csv[0].fields.firstIndex(of: "flags"))
        XCTAssertEqual(Set(csv.dropFirst().map { $0.fields[flagsColumn] }),
                       ["another: x; stateful: 1 of 3 differ", ""])
    }

    func testFlaggingAnUnknownRunFails() throws {
        let f = try StoreFixture("run-flags-unknown")
        defer { f.remove() }
        XCTAssertThrowsError(try f.store.flagRun(RunID(99), RunFlag(kind: "stateful", detail: "x"))) {
            XCTAssertEqual($0 as? LeaderboardStoreError, .unknownRun(path: f.path, run: 99))
        }
    }
}
