import Foundation
import GRDB
@testable import Scoring
import TestSupport
import XCTest

/// Missing, corrupt, foreign, newer, read-only and misplaced files: a clear error, no change.
final class LeaderboardStoreFileErrorTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws { directory = try ReferenceData.temporaryDirectory("store-errors") }
    override func tearDown() { try? FileManager.default.removeItem(at: directory) }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func testMissingFileIsNotCreatedUnlessAsked() throws {
        let missing = path("nope/leaderboard.sqlite")
        for access in [LeaderboardStore.Access.readOnly, .readWrite] {
            XCTAssertThrowsError(try LeaderboardStore(path: missing, access: access)) {
                XCTAssertEqual($0 as? LeaderboardStoreError, .missingDatabase(path: missing))
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing))
        _ = try LeaderboardStore(path: missing, access: .create)
        XCTAssertTrue(FileManager.default.fileExists(atPath: missing))
    }

    func testGarbageFileIsReportedCorruptAndLeftUnchanged() throws {
        let file = path("garbage.sqlite")
        let bytes = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try bytes.write(to: URL(fileURLWithPath: file))
        for access in [LeaderboardStore.Access.readOnly, .readWrite, .create] {
            XCTAssertThrowsError(try LeaderboardStore(path: file, access: access)) { error in
                guard case .corrupt(file, _)? = error as? LeaderboardStoreError else {
                    return XCTFail("\(access): \(error)")
                }
                XCTAssertTrue("\(error)".contains("Restore it from a backup"), "\(error)")
            }
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: file)), bytes)
    }

    func testDamagedPagesAreFoundByTheCheckOrReportedCorrupt() throws {
        let f = try StoreFixture("damaged", sets: 20, perSet: 50)
        defer { f.remove() }
        let run = try f.store.beginRun(submission: StoreFixture.submission("alpha"),
                                       setManifestHash: StoreFixture.manifest)
        for key in f.keys { try f.store.record(f.outcome(key), in: run.id) }
        // Fold the WAL into the main file, then overwrite the middle of it.
        try f.store.queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: f.path))
        let size = try handle.seekToEnd()
        XCTAssertGreaterThan(size, 16384)
        try handle.seek(toOffset: 4096)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: Int(size) - 8192))
        try handle.close()
        do {
            let reopened = try LeaderboardStore(path: f.path, access: .readOnly)
            let problems = try reopened.integrityProblems()
            XCTAssertFalse(problems.isEmpty, "integrity_check found nothing in a damaged file")
        } catch let error as LeaderboardStoreError {
            guard case .corrupt = error else { return XCTFail("\(error)") }
        }
    }

    func testForeignDatabaseIsRefusedAndLeftUnchanged() throws {
        let file = path("other.sqlite")
        try DatabaseQueue(path: file).write { try $0.execute(sql: "CREATE TABLE notes (text TEXT)") }
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        for access in [LeaderboardStore.Access.readOnly, .readWrite] {
            XCTAssertThrowsError(try LeaderboardStore(path: file, access: access)) {
                XCTAssertEqual($0 as? LeaderboardStoreError, .foreignDatabase(path: file))
            }
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: file)), before)
    }

    func testEmptyFileIsNotALeaderboardForReaders() throws {
        let file = path("empty.sqlite")
        XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: Data()))
        XCTAssertThrowsError(try LeaderboardStore(path: file, access: .readOnly)) {
            XCTAssertEqual($0 as? LeaderboardStoreError, .foreignDatabase(path: file))
        }
        // A writer may start a leaderboard in an empty file.
        _ = try LeaderboardStore(path: file, access: .readWrite)
        XCTAssertEqual(try LeaderboardStore(path: file, access: .readOnly).appliedMigrations(),
                       LeaderboardStore.migrationNames)
    }

    func testNewerSchemaIsRefused() throws {
        let f = try StoreFixture("newer")
        defer { f.remove() }
        try f.store.queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('2099-12-from-the-future')") }
        for access in [LeaderboardStore.Access.readOnly, .readWrite] {
            XCTAssertThrowsError(try LeaderboardStore(path: f.path, access: access)) {
                XCTAssertEqual($0 as? LeaderboardStoreError,
                               .newerSchema(path: f.path, unknownMigrations: ["2099-12-from-the-future"]))
            }
        }
    }

    func testWritesThroughAReadOnlyStoreAreRefused() throws {
        let f = try StoreFixture("readonly")
        defer { f.remove() }
        let reader = try LeaderboardStore(path: f.path, access: .readOnly)
        XCTAssertThrowsError(try reader.beginRun(submission: StoreFixture.submission("alpha"),
                                                 setManifestHash: StoreFixture.manifest)) {
            XCTAssertEqual($0 as? LeaderboardStoreError, .readOnly(path: f.path))
        }
        XCTAssertEqual(try f.store.runsCount(), 0)
    }

    func testReadOnlyFilePermissionsAreReported() throws {
        try XCTSkipIf(getuid() == 0, SkipLog.record("root ignores file permissions"))
        let f = try StoreFixture("readonly-file")
        defer { f.remove() }
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: f.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: f.path) }
        XCTAssertThrowsError(try LeaderboardStore(path: f.path, access: .readWrite)
            .beginRun(submission: StoreFixture.submission("alpha"), setManifestHash: StoreFixture.manifest)) {
            XCTAssertEqual($0 as? LeaderboardStoreError, .readOnly(path: f.path))
        }
    }

    func testDirectoryInTheWayCannotBeOpened() throws {
        let dir = path("a-directory")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        XCTAssertThrowsError(try LeaderboardStore(path: dir, access: .create)) {
            XCTAssertEqual($0 as? LeaderboardStoreError, .cannotOpen(path: dir, detail: "it is a directory"))
        }
    }
}

extension LeaderboardStore {
    func runsCount() throws -> Int { try read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM run") ?? 0 } }
}
