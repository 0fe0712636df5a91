import Foundation
import GRDB
import PseudoExperiments
@testable import Scoring
import XCTest

/// Intervals at further confidence levels in the store (migration 2026-12-result-levels).
final class LeaderboardStoreLevelsTests: XCTestCase {
    private func withLevels(_ outcome: PseudoExperimentOutcome, _ levels: [LevelInterval]) -> PseudoExperimentOutcome {
        var o = outcome
        for l in levels { o.estimate?.setInterval(l.interval, at: l.level) }
        return o
    }

    func testFurtherLevelsRoundTripWithNaNAndTheNinetyFiveInItsColumns() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        let run = try f.store.beginRun(submission: StoreFixture.submission("levels"), setManifestHash: StoreFixture.manifest)
        var written = f.keys.map { f.outcome($0) }
        written[0] = withLevels(written[0], [LevelInterval(level: 0.5, lower: 0.4, upper: 0.6),
                                             LevelInterval(level: 0.9, lower: 0.1, upper: 0.9),
                                             LevelInterval(level: 0.95, lower: 0, upper: 1)])
        written[1] = withLevels(written[1], [LevelInterval(level: 0.99, lower: .nan, upper: 2),
                                             LevelInterval(level: 0.3, lower: 0.7, upper: .nan)])
        for o in written { try f.store.record(o, in: run.id) }
        let back = try f.store.outcomes(of: run.id)
        XCTAssertEqual(back, written)
        XCTAssertEqual(back[0].estimate?.levels.map(\.level), [0.5, 0.9, 0.95])
        XCTAssertEqual(back[1].estimate?.levels.map(\.level), [0.3, 0.99])
        XCTAssertTrue(back[1].estimate!.interval(at: 0.99)!.lower.isNaN)
        XCTAssertEqual(back[2].estimate?.levels, [])
        try f.store.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM result_level"), 4)   // 0.95 in p2_5/p97_5
            XCTAssertEqual(try Double.fetchOne(db, sql: "SELECT p97_5 FROM result WHERE set_index = 0 AND pe_index = 0"), 1)
        }
        XCTAssertEqual(try f.store.integrityProblems(), [])
    }

    func testADatabaseFromBeforeTheMigrationIsUpgradedAndKeepsItsResults() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        let old = try f.store.beginRun(submission: StoreFixture.submission("old"), setManifestHash: StoreFixture.manifest)
        let written = f.keys.map { f.outcome($0) }
        for o in written { try f.store.record(o, in: old.id) }
        try f.store.finishRun(old.id, status: .completed)
        // Undo the migration as a file written by the previous build would be.
        try f.store.queue.write { db in
            try db.execute(sql: "DROP TABLE result_level")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = '2026-12-result-levels'")
        }
        XCTAssertEqual(try f.store.appliedMigrations(), Array(LeaderboardStore.migrationNames.dropLast()))
        XCTAssertThrowsError(try LeaderboardStore(path: f.path, access: .readOnly)) {
            guard case .outdatedSchema? = $0 as? LeaderboardStoreError else { return XCTFail("\($0)") }
        }
        let reopened = try LeaderboardStore(path: f.path, access: .readWrite)
        XCTAssertEqual(try reopened.appliedMigrations(), LeaderboardStore.migrationNames)
        XCTAssertEqual(try reopened.outcomes(of: old.id), written)
        let new = try reopened.beginRun(submission: StoreFixture.submission("new"), setManifestHash: StoreFixture.manifest)
        let leveled = written.map { withLevels($0, [LevelInterval(level: 0.5, lower: 0.6, upper: 0.7)]) }
        for o in leveled { try reopened.record(o, in: new.id) }
        XCTAssertEqual(try reopened.outcomes(of: new.id), leveled)
        XCTAssertEqual(try reopened.integrityProblems(), [])
    }

    func testTheSchemaRefusesALevelOutsideZeroOneAndTheNinetyFive() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        let run = try f.store.beginRun(submission: StoreFixture.submission("x"), setManifestHash: StoreFixture.manifest)
        try f.store.record(f.outcome(f.keys[0]), in: run.id)
        for level in [0.0, 1.0, 0.95, -0.5] {
            XCTAssertThrowsError(try f.store.queue.write { db in
                try db.execute(sql: "INSERT INTO result_level VALUES (?, 0, 0, ?, 0, 1, 0)", arguments: [run.id.rawValue, level])
            }, "level \(level)")
        }
    }
}
