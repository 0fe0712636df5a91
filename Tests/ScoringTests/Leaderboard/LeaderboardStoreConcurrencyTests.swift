import Foundation
import GRDB
@testable import Scoring
import TestSupport
import XCTest

/// Several connections on one real file at once: nothing lost, duplicated or corrupted.
final class LeaderboardStoreConcurrencyTests: XCTestCase {
    func testTwoConnectionsWritingAtOnceKeepEveryResult() throws {
        let f = try StoreFixture("concurrent", sets: 4, perSet: 25)
        defer { f.remove() }
        let stores = [f.store, try LeaderboardStore(path: f.path, access: .readWrite)]
        let names = ["alpha", "beta"]
        let runs = try names.map {
            try f.store.beginRun(submission: StoreFixture.submission($0), setManifestHash: StoreFixture.manifest).id
        }
        let failures = ErrorBox()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            do {
                for key in f.keys { try stores[i].record(f.outcome(key, shift: Double(i)), in: runs[i]) }
                try stores[i].finishRun(runs[i], status: .completed)
            } catch {
                failures.append(error)
            }
        }
        XCTAssertEqual(failures.errors.count, 0, "\(failures.errors)")
        let reader = try LeaderboardStore(path: f.path, access: .readOnly)
        XCTAssertEqual(try reader.integrityProblems(), [])
        for (i, run) in runs.enumerated() {
            XCTAssertEqual(try reader.outcomes(of: run), f.keys.map { f.outcome($0, shift: Double(i)) })
            XCTAssertEqual(try reader.runManifest(run).status, .completed)
        }
    }

    func testConnectionsCreatingOneNewFileAtOnceAllSucceed() throws {
        let directory = try ReferenceData.temporaryDirectory("create-race")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("new/leaderboard.sqlite").path
        let failures = ErrorBox()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            do {
                let store = try LeaderboardStore(path: path, access: .create)
                XCTAssertEqual(try store.appliedMigrations(), LeaderboardStore.migrationNames)
            } catch {
                failures.append(error)
            }
        }
        XCTAssertEqual(failures.errors.count, 0, "\(failures.errors)")
        XCTAssertEqual(try LeaderboardStore(path: path, access: .readOnly).integrityProblems(), [])
    }

    func testConcurrentBeginsOfOneIdentityShareOneRun() throws {
        let f = try StoreFixture("same-identity")
        defer { f.remove() }
        let stores = try (0..<4).map { _ in try LeaderboardStore(path: f.path, access: .readWrite) }
        let ids = IDBox()
        DispatchQueue.concurrentPerform(iterations: stores.count) { i in
            if let run = try? stores[i].beginRun(submission: StoreFixture.submission("alpha"),
                                                 setManifestHash: StoreFixture.manifest) {
                ids.append(run.id)
            }
        }
        XCTAssertEqual(ids.ids.count, 4)
        XCTAssertEqual(Set(ids.ids).count, 1, "one unfinished run per identity: \(ids.ids)")
    }

    /// A connection that holds the write lock and then goes away without committing: the store
    /// waits, reports the lock clearly, and afterwards finds none of the abandoned writes.
    func testLockedFileIsReportedAndAnAbandonedTransactionLeavesNothing() throws {
        let f = try StoreFixture("locked")
        defer { f.remove() }
        let run = try f.store.beginRun(submission: StoreFixture.submission("alpha"),
                                       setManifestHash: StoreFixture.manifest)
        try f.store.record(f.outcome(f.keys[0]), in: run.id)

        var config = Configuration()
        config.allowsUnsafeTransactions = true
        var intruder: DatabaseQueue? = try DatabaseQueue(path: f.path, configuration: config)
        try intruder!.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            try db.execute(sql: """
                INSERT INTO result (run_id, set_manifest_id, set_index, pe_index, has_estimate, mu_hat, p16, p84,
                                    runtime_s, error, recorded_at)
                SELECT ?, set_manifest_id, 0, 1, 1, 9, 8, 10, 1, NULL, 'now' FROM run WHERE id = ?
                """, arguments: [run.id.rawValue, run.id.rawValue])
        }
        let impatient = try LeaderboardStore(path: f.path, access: .readWrite, busyTimeout: 0.2)
        let start = Date()
        XCTAssertThrowsError(try impatient.record(f.outcome(f.keys[1]), in: run.id)) {
            XCTAssertEqual($0 as? LeaderboardStoreError, .locked(path: f.path, waitedSeconds: 0.2))
            XCTAssertTrue("\($0)".contains("Wait for the other run to finish"), "\($0)")
        }
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.15, "the busy timeout was not honoured")
        intruder = nil   // closes the connection: its open transaction rolls back

        XCTAssertEqual(try f.store.completedPseudoExperiments(run.id), [f.keys[0]])
        for key in f.keys.dropFirst() { try impatient.record(f.outcome(key), in: run.id) }
        try f.store.finishRun(run.id, status: .completed)
        XCTAssertEqual(try f.store.outcomes(of: run.id), f.keys.map { f.outcome($0) })
        XCTAssertEqual(try f.store.integrityProblems(), [])
    }
}

extension LeaderboardStoreConcurrencyTests {
    /// Two workers of one run: the one that stops early leaves the run to the other, which
    /// completes it; the first then accepts the completion instead of failing.
    func testAWorkerStoppingEarlyLeavesASharedRunToTheOther() throws {
        let f = try StoreFixture("shared-run")
        defer { f.remove() }
        let other = try LeaderboardStore(path: f.path, access: .readWrite)
        let a = try f.store.beginRun(submission: StoreFixture.submission("alpha"), setManifestHash: StoreFixture.manifest)
        let b = try other.beginRun(submission: StoreFixture.submission("alpha"), setManifestHash: StoreFixture.manifest)
        XCTAssertEqual(a.id, b.id)
        XCTAssertEqual([a.peers, b.peers], [0, 1])
        XCTAssertTrue(b.resumed)

        try f.store.record(f.outcome(f.keys[0]), in: a.id)
        try f.store.finishRun(a.id, status: .interrupted, worker: a.worker)
        XCTAssertEqual(try f.store.runManifest(a.id).status, .running, "b is still recording into it")
        for key in f.keys.dropFirst() { try other.record(f.outcome(key), in: b.id) }
        try other.finishRun(b.id, status: .completed, worker: b.worker)
        XCTAssertEqual(try f.store.runManifest(a.id).status, .completed)

        // A third worker that finishes after the run completed: accepted, nothing changes.
        let c = try f.store.beginRun(submission: StoreFixture.submission("beta"), setManifestHash: StoreFixture.manifest)
        let d = try other.beginRun(submission: StoreFixture.submission("beta"), setManifestHash: StoreFixture.manifest)
        for key in f.keys { try f.store.record(f.outcome(key), in: c.id) }
        try f.store.finishRun(c.id, status: .completed, worker: c.worker)
        XCTAssertNoThrow(try other.finishRun(d.id, status: .completed, worker: d.worker))
        XCTAssertThrowsError(try other.record(f.outcome(f.keys[0]), in: d.id)) {
            XCTAssertEqual($0 as? LeaderboardStoreError,
                           .runNotRunning(path: f.path, run: d.id.rawValue, status: "completed"))
        }
        // Without a worker, finishing a completed run is still refused (the old contract).
        XCTAssertThrowsError(try other.finishRun(d.id, status: .completed))
    }

    /// A worker whose process died without leaving (kill -9) does not keep a run running.
    func testADeadWorkerDoesNotHoldTheRun() throws {
        let f = try StoreFixture("dead-worker")
        defer { f.remove() }
        let a = try f.store.beginRun(submission: StoreFixture.submission("alpha"), setManifestHash: StoreFixture.manifest)
        let exited = Process()
        exited.executableURL = URL(fileURLWithPath: "/bin/true")
        try exited.run()
        exited.waitUntilExit()
        var config = Configuration()
        config.foreignKeysEnabled = true
        try DatabaseQueue(path: f.path, configuration: config).write { db in
            try db.execute(sql: """
                INSERT INTO run_worker (token, run_id, host, pid, joined_at) VALUES ('dead', ?, ?, ?, 'now')
                """, arguments: [a.id.rawValue, ProcessInfo.processInfo.hostName, exited.processIdentifier])
        }
        try f.store.finishRun(a.id, status: .interrupted, worker: a.worker)
        XCTAssertEqual(try f.store.runManifest(a.id).status, .interrupted)
        let again = try f.store.beginRun(submission: StoreFixture.submission("alpha"), setManifestHash: StoreFixture.manifest)
        XCTAssertEqual(again.id, a.id)
        XCTAssertEqual(again.peers, 0)
    }
}

private final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var errors: [Error] = []
    func append(_ e: Error) { lock.withLock { errors.append(e) } }
}

private final class IDBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var ids: [RunID] = []
    func append(_ id: RunID) { lock.withLock { ids.append(id) } }
}
