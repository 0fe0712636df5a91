import Foundation
import GRDB
import PseudoExperiments
@testable import Scoring
import XCTest

final class LeaderboardStoreTests: XCTestCase {
    func testCreatesWALFileWithForeignKeysAndEveryMigration() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        XCTAssertTrue(FileManager.default.fileExists(atPath: f.path))
        XCTAssertEqual(try f.store.appliedMigrations(), LeaderboardStore.migrationNames)
        try f.store.read { db in
            XCTAssertEqual(try String.fetchOne(db, sql: "PRAGMA journal_mode"), "wal")
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA foreign_keys"), 1)
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA synchronous"), 1)   // NORMAL
            let tables = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
            XCTAssertTrue(tables.isSuperset(of: ["challenge", "set_manifest", "truth", "submission", "run",
                                                 "result", "score", "score_breakdown"]), "\(tables)")
        }
        // Reopening applies nothing and keeps the data; a read-only store sees it too.
        let again = try LeaderboardStore(path: f.path, access: .readWrite)
        XCTAssertEqual(try again.challengeNames(), ["toy"])
        let reader = try LeaderboardStore(path: f.path, access: .readOnly)
        XCTAssertEqual(try reader.pseudoExperiments(setManifestHash: StoreFixture.manifest), f.keys)
        XCTAssertEqual(try reader.truths(setManifestHash: StoreFixture.manifest), f.truths)
        XCTAssertEqual(try reader.integrityProblems(), [])
    }

    func testRegistrationIsIdempotentAndRefusesConflicts() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        try f.store.registerChallenge(name: "toy", spec: #"{"name":"toy"}"#, specHash: "spec-1")
        try f.store.registerSetManifest(hash: StoreFixture.manifest, challenge: "toy", rootSeed: 42, truths: f.truths)
        XCTAssertThrowsError(try f.store.registerChallenge(name: "toy", spec: "{}", specHash: "spec-2")) {
            XCTAssertEqual($0 as? LeaderboardStoreError, .challengeSpecConflict(
                path: f.path, name: "toy", storedHash: "spec-1", givenHash: "spec-2"))
        }
        var changed = f.truths
        changed[3].mu = 1.5
        XCTAssertThrowsError(try f.store.registerSetManifest(
            hash: StoreFixture.manifest, challenge: "toy", rootSeed: 42, truths: changed)) {
            XCTAssertEqual($0 as? LeaderboardStoreError, .setManifestConflict(
                path: f.path, hash: StoreFixture.manifest, detail: "another truth for \(f.keys[3])"))
        }
        XCTAssertThrowsError(try f.store.registerSetManifest(
            hash: StoreFixture.manifest, challenge: "toy", rootSeed: 43, truths: f.truths))
        XCTAssertThrowsError(try f.store.registerSetManifest(
            hash: "other", challenge: "nope", rootSeed: 1, truths: f.truths)) {
            XCTAssertEqual($0 as? LeaderboardStoreError, .unknownChallenge(path: f.path, name: "nope", known: ["toy"]))
        }
        XCTAssertEqual(try f.store.truths(setManifestHash: StoreFixture.manifest), f.truths)
        // A submission keeps its kind across versions.
        _ = try f.store.beginRun(submission: StoreFixture.submission("oracle", kind: .reference),
                                 setManifestHash: StoreFixture.manifest)
        XCTAssertThrowsError(try f.store.beginRun(
            submission: StoreFixture.submission("oracle", kind: .entry, code: "code-2"),
            setManifestHash: StoreFixture.manifest)) { error in
            guard case .submissionConflict(_, "oracle", "kind", "reference", "entry")? = error as? LeaderboardStoreError
            else { return XCTFail("\(error)") }
        }
    }

    func testRecordsResultsWithNaNInfinityAndFailuresExactly() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        let run = try f.store.beginRun(submission: StoreFixture.submission("alpha"),
                                       setManifestHash: StoreFixture.manifest, seeds: ["estimator": .max])
        XCTAssertFalse(run.resumed)
        XCTAssertEqual(run.manifest.status, .running)
        XCTAssertEqual(run.manifest.seeds, ["estimator": .max])
        XCTAssertEqual(run.manifest.harnessVersion, Harness.version)
        XCTAssertEqual(run.manifest.challenge, "toy")
        var written = f.keys.map { f.outcome($0, runtime: 0.25) }
        written[1].estimate = Estimate(interval68: ConfidenceInterval(lower: .nan, upper: 3), muHat: .nan)
        written[2].estimate = Estimate(interval68: ConfidenceInterval(lower: -.infinity, upper: .infinity),
                                       muHat: nil, uncertainty: 0.5,
                                       interval95: ConfidenceInterval(lower: .nan, upper: 7))
        written[3] = PseudoExperimentOutcome(key: f.keys[3], estimate: nil, failure: "fit did not converge",
                                             runtimeSeconds: 2)
        written[4] = PseudoExperimentOutcome(key: f.keys[4], estimate: nil, runtimeSeconds: 0)
        written[5].failure = "timed out after the estimate"
        for outcome in written { try f.store.record(outcome, in: run.id) }
        XCTAssertEqual(try f.store.outcomes(of: run.id), written)
        // NaN and "not reported" stay apart.
        let back = try f.store.outcomes(of: run.id)
        XCTAssertTrue(back[1].estimate!.muHat!.isNaN)
        XCTAssertNil(back[2].estimate!.muHat)
        XCTAssertTrue(back[2].estimate!.interval95!.lower.isNaN)
        XCTAssertNil(back[0].estimate!.interval95)
        XCTAssertEqual(try f.store.scoredResults(of: run.id).map(\.truth), f.truths)
        XCTAssertEqual(try f.store.completedPseudoExperiments(run.id), Set(f.keys))
        try f.store.finishRun(run.id, status: .completed)
        let manifest = try f.store.runManifest(run.id)
        XCTAssertEqual(manifest.status, .completed)
        XCTAssertNotNil(manifest.endedAt)
        XCTAssertGreaterThanOrEqual(manifest.endedAt!, manifest.startedAt)
    }

    func testBeginRunResumesTheUnfinishedRunAndStartsAfreshAfterCompletion() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        let sub = StoreFixture.submission("alpha")
        let first = try f.store.beginRun(submission: sub, setManifestHash: StoreFixture.manifest, seeds: ["e": 1])
        for key in f.keys.prefix(4) { try f.store.record(f.outcome(key), in: first.id) }

        // The process "died": the next begin picks up the same run and what it recorded.
        let second = try f.store.beginRun(submission: sub, setManifestHash: StoreFixture.manifest, seeds: ["e": 1])
        XCTAssertTrue(second.resumed)
        XCTAssertEqual(second.id, first.id)
        XCTAssertEqual(second.manifest.resumptions, 1)
        XCTAssertEqual(try f.store.completedPseudoExperiments(second.id), Set(f.keys.prefix(4)))

        // An interrupted run is resumed too; other seeds are refused, not mixed in.
        try f.store.finishRun(second.id, status: .interrupted)
        XCTAssertThrowsError(try f.store.record(f.outcome(f.keys[5]), in: second.id)) {
            XCTAssertEqual($0 as? LeaderboardStoreError,
                           .runNotRunning(path: f.path, run: second.id.rawValue, status: "interrupted"))
        }
        XCTAssertThrowsError(try f.store.beginRun(submission: sub, setManifestHash: StoreFixture.manifest,
                                                  seeds: ["e": 2])) {
            XCTAssertEqual($0 as? LeaderboardStoreError, .unfinishedRunConflict(
                path: f.path, run: first.id.rawValue, field: "seeds", stored: #"{"e":1}"#, given: #"{"e":2}"#))
        }
        let third = try f.store.beginRun(submission: sub, setManifestHash: StoreFixture.manifest, seeds: ["e": 1])
        XCTAssertEqual(third.id, first.id)
        XCTAssertEqual(third.manifest.status, .running)
        for key in f.keys.dropFirst(4) { try f.store.record(f.outcome(key), in: third.id) }
        try f.store.finishRun(third.id, status: .completed)

        // After completion the same identity starts a new run; another code hash is another run.
        let fresh = try f.store.beginRun(submission: sub, setManifestHash: StoreFixture.manifest, seeds: ["e": 1])
        XCTAssertFalse(fresh.resumed)
        XCTAssertNotEqual(fresh.id, first.id)
        let other = try f.store.beginRun(submission: StoreFixture.submission("alpha", code: "code-2"),
                                         setManifestHash: StoreFixture.manifest)
        XCTAssertNotEqual(other.id, fresh.id)
    }

    func testRefusedRecordsWriteNothing() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        let run = try f.store.beginRun(submission: StoreFixture.submission("alpha"),
                                       setManifestHash: StoreFixture.manifest)
        try f.store.record(f.outcome(f.keys[0]), in: run.id)
        XCTAssertThrowsError(try f.store.record(f.outcome(f.keys[0], shift: 1), in: run.id)) {
            XCTAssertEqual($0 as? LeaderboardStoreError,
                           .duplicateResult(path: f.path, run: run.id.rawValue, key: f.keys[0]))
        }
        let stray = PseudoExperimentOutcome(key: PseudoExperimentKey(setIndex: 7, index: 0),
                                            estimate: nil, failure: "x", runtimeSeconds: 0)
        XCTAssertThrowsError(try f.store.record(stray, in: run.id)) {
            XCTAssertEqual($0 as? LeaderboardStoreError,
                           .unknownPseudoExperiment(path: f.path, run: run.id.rawValue, key: stray.key))
        }
        XCTAssertThrowsError(try f.store.record(f.outcome(f.keys[1]), in: RunID(999))) {
            XCTAssertEqual($0 as? LeaderboardStoreError, .unknownRun(path: f.path, run: 999))
        }
        XCTAssertThrowsError(try f.store.finishRun(run.id, status: .completed)) {
            XCTAssertEqual($0 as? LeaderboardStoreError,
                           .incompleteRun(path: f.path, run: run.id.rawValue, missing: 9, total: 10))
        }
        XCTAssertEqual(try f.store.outcomes(of: run.id), [f.outcome(f.keys[0])])
        XCTAssertEqual(try f.store.runManifest(run.id).status, .running)
        try f.store.finishRun(run.id, status: .failed)
        XCTAssertThrowsError(try f.store.finishRun(run.id, status: .failed))
        XCTAssertEqual(try f.store.integrityProblems(), [])
    }

    func testScoresAreStoredWithTheirBreakdownsOncePerPolicy() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        let run = try f.store.beginRun(submission: StoreFixture.submission("alpha"),
                                       setManifestHash: StoreFixture.manifest)
        for (k, key) in f.keys.enumerated() { try f.store.record(f.outcome(key, shift: k % 3 == 0 ? 1 : 0), in: run.id) }
        XCTAssertThrowsError(try f.store.scoreRun(run.id)) {
            XCTAssertEqual($0 as? LeaderboardStoreError, .runNotCompleted(path: f.path, run: run.id.rawValue, status: "running"))
        }
        try f.store.finishRun(run.id, status: .completed)
        let card = try f.store.scoreRun(run.id, bootstrap: BootstrapOptions(replicates: 20, seed: 1))
        XCTAssertEqual(card.overall.n, 10)
        XCTAssertEqual(card.overall.covered, 6)
        try f.store.scoreRun(run.id, bootstrap: BootstrapOptions(replicates: 30, seed: 1))   // replaces
        let wide = ScoringPolicy(muRange: 0...5)
        try f.store.scoreRun(run.id, policy: wide, bootstrap: nil)                          // adds
        try f.store.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM score"), 2)
            let row = try XCTUnwrap(Row.fetchOne(db, sql: """
                SELECT pseudo_experiments, failures, score, coverage, interval, bootstrap_replicates, score_error
                FROM score WHERE bootstrap_replicates = 30
                """))
            XCTAssertEqual(row[0] as Int, 10)
            XCTAssertEqual(row[1] as Int, 0)
            XCTAssertEqual(row[2] as Double, card.overall.score, accuracy: 1e-12)
            XCTAssertEqual(row[3] as Double, 0.6)
            XCTAssertEqual(row[4] as Double, card.overall.interval, accuracy: 1e-12)
            XCTAssertGreaterThan(row[6] as Double, 0)
            XCTAssertNil(try Double?.fetchOne(db, sql: "SELECT score_error FROM score WHERE bootstrap_replicates = 0") ?? nil)
            let variables = try Row.fetchAll(db, sql: """
                SELECT variable, COUNT(*) FROM score_breakdown b JOIN score s ON s.id = b.score_id
                WHERE s.bootstrap_replicates = 30 GROUP BY variable ORDER BY variable
                """).map { "\($0[0] as String)=\($0[1] as Int)" }
            XCTAssertEqual(variables, ["bkg_scale=4", "diboson_scale=4", "jes=4", "mu=6", "set=2", "soft_met=4",
                                       "tes=4", "ttbar_scale=4"])
            let sets = try Row.fetchAll(db, sql: """
                SELECT b.position, b.lower, b.pseudo_experiments, b.covered, b.score FROM score_breakdown b
                JOIN score s ON s.id = b.score_id WHERE s.bootstrap_replicates = 30 AND variable = 'set' ORDER BY position
                """)
            XCTAssertEqual(sets.map { $0[1] as Double }, [0.5, 0.75])
            XCTAssertEqual(sets.map { $0[2] as Int }, [5, 5])
            XCTAssertEqual(sets.map { $0[3] as Int }, card.sets.map(\.metrics.covered))
        }
        XCTAssertEqual(try f.store.scorecard(for: run.id, policy: wide)?.policy, wide)
        XCTAssertNil(try f.store.scorecard(for: run.id, policy: ScoringPolicy(muRange: 0...9)))
    }
}
