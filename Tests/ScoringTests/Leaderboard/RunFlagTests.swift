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

    /// Stateful and unsandboxed runs keep their score but get no rank and no paired comparison;
    /// an unsandboxed run the organiser vouched for (``RunFlag/unsandboxedAllowed``) is ranked.
    func testDisqualifyingFlagsLeaveTheRunUnranked() throws {
        let f = try StoreFixture("run-flags-unranked")
        defer { f.remove() }
        // Narrow intervals score best: the flagged runs would be ranks 1 and 2.
        let plan: [(String, Double, String?)] = [("stateful-one", 0.05, RunFlag.stateful),
                                                ("unconfined", 0.1, RunFlag.unsandboxed),
                                                ("trusted", 0.3, RunFlag.unsandboxedAllowed), ("honest", 0.4, nil)]
        for (name, halfWidth, kind) in plan {
            let run = try f.store.beginRun(submission: StoreFixture.submission(name), setManifestHash: StoreFixture.manifest)
            if let kind { try f.store.flagRun(run.id, RunFlag(kind: kind, detail: "why")) }
            for key in f.keys { try f.store.record(f.outcome(key, halfWidth: halfWidth), in: run.id) }
            try f.store.finishRun(run.id, status: .completed)
        }
        XCTAssertTrue(RunFlag(kind: RunFlag.stateful, detail: "").excludesFromRanking)
        XCTAssertTrue(RunFlag(kind: RunFlag.unsandboxed, detail: "").excludesFromRanking)
        XCTAssertFalse(RunFlag(kind: RunFlag.unsandboxedAllowed, detail: "").excludesFromRanking)

        let table = try XCTUnwrap(try LeaderboardTable.tables(from: f.store, bootstrap: BootstrapOptions(replicates: 10)).first)
        let row = { (name: String) in table.rows.first { $0.submission.name == name } }
        XCTAssertNil(row("stateful-one")?.rank)
        XCTAssertNil(row("unconfined")?.rank)
        XCTAssertNil(row("stateful-one")?.versusNext)
        XCTAssertNil(row("unconfined")?.versusNext)
        XCTAssertEqual(row("trusted")?.rank, 1)
        XCTAssertEqual(row("honest")?.rank, 2)
        XCTAssertNotNil(row("trusted")?.versusNext, "ranked rows are compared with each other")
        let text = LeaderboardTable.render([table], as: .table)
        XCTAssertTrue(text.contains("NOT RANKED: the run is flagged stateful"), text)
        XCTAssertTrue(text.contains("Flagged (!): unconfined, run"), text)
        XCTAssertTrue(text.contains("unsandboxed: why (NOT RANKED)"), text)
        XCTAssertFalse(text.contains("Rank -: a reference"), "no reference row here:\n\(text)")
        let markdown = LeaderboardTable.render([table], as: .markdown)
        XCTAssertTrue(markdown.contains("NOT RANKED"), markdown)
        let csv = try CSVText.records(LeaderboardTable.render([table], as: .csv))
        let rank = try XCTUnwrap(csv[0].fields.firstIndex(of: "rank"))
        XCTAssertEqual(csv.dropFirst().map { $0.fields[rank] }.sorted(), ["", "", "1", "2"])
    }

    func testFlaggingAnUnknownRunFails() throws {
        let f = try StoreFixture("run-flags-unknown")
        defer { f.remove() }
        XCTAssertThrowsError(try f.store.flagRun(RunID(99), RunFlag(kind: "stateful", detail: "x"))) {
            XCTAssertEqual($0 as? LeaderboardStoreError, .unknownRun(path: f.path, run: 99))
        }
    }
}
