import Foundation
import GRDB

/// The leaderboard database: challenges, their pseudo-experiment sets and truths, submissions,
/// runs, one row per pseudo-experiment result, and scores (SQLite through GRDB).
///
/// The file is in WAL mode with a busy timeout, so readers never block the writer and two
/// processes writing at once wait for each other instead of failing or corrupting the file.
/// Every write is one transaction: a result survives the death of the process as soon as
/// ``record(_:in:)`` returns, and a failed or interrupted write leaves nothing behind.
/// Commits use WAL with `synchronous = NORMAL` (GRDB's setting): a power cut may drop the last
/// few commits (the file stays consistent, and resuming recomputes them), in exchange for no
/// fsync per result (measured in a debug build: ~2 ms per recorded result against ~10 ms with
/// `FULL`).
///
/// ```swift
/// let store = try LeaderboardStore(path: LeaderboardStore.defaultRelativePath, access: .create)
/// try store.registerChallenge(name: "higgs", spec: specJSON, specHash: specHash)
/// try store.registerSetManifest(hash: setsHash, challenge: "higgs", rootSeed: 42, truths: truths)
/// let run = try store.beginRun(submission: sub, setManifestHash: setsHash, seeds: ["estimator": 7])
/// // record outcomes (see the Runs facet), then:
/// try store.finishRun(run.id, status: .completed)
/// let card = try store.scoreRun(run.id)
/// ```
///
/// Estimators never get a store: the runner writes it, so truths stay sealed.
public final class LeaderboardStore: Sendable {
    /// How a command opens the database.
    public enum Access: Sendable {
        /// Reads only; the file must exist and have the current schema.
        case readOnly
        /// Reads and writes; the file must exist. Missing migrations are applied.
        case readWrite
        /// Reads and writes; a missing file (and its directory) is created.
        case create
    }

    /// The path every command uses unless given `--database`, relative to the working directory.
    public static let defaultRelativePath = "leaderboards/leaderboard.sqlite"

    /// The seconds a write waits for another connection's lock before failing.
    public static let defaultBusyTimeout: Double = 10

    /// The database file, as given.
    public let path: String
    /// How long a write waits for a lock held by another connection.
    public let busyTimeout: Double
    /// Whether the store was opened read-only.
    public let isReadOnly: Bool
    let queue: DatabaseQueue

    /// Opens (or with `.create`, creates) the leaderboard database at `path`.
    ///
    /// - Throws: ``LeaderboardStoreError`` for a missing, locked, read-only, corrupt or foreign
    ///   file, or a schema written by a newer harness. Nothing is written in those cases.
    public init(path: String, access: Access = .readWrite,
                busyTimeout: Double = LeaderboardStore.defaultBusyTimeout) throws {
        self.path = path
        self.busyTimeout = busyTimeout
        self.isReadOnly = access == .readOnly
        try Self.checkFile(path: path, creating: access == .create)
        // SQLite answers some lock conflicts at once instead of calling the busy handler: two
        // connections switching one new file to WAL, or a reader meeting another connection's
        // WAL recovery. Those are retried here until the same timeout as an ordinary wait.
        let deadline = Date().addingTimeInterval(busyTimeout)
        var pause = 0.005
        while true {
            do {
                queue = try Self.open(path: path, access: access, busyTimeout: busyTimeout)
                return
            } catch LeaderboardStoreError.locked where Date() < deadline {
                Thread.sleep(forTimeInterval: pause)
                pause = min(pause * 2, 0.1)
            }
        }
    }

    /// Inspects, opens and (unless read-only) migrates the file.
    private static func open(path: String, access: Access, busyTimeout: Double) throws -> DatabaseQueue {
        // Inspect an existing file through a read-only connection first, so that a corrupt,
        // foreign or newer file is refused before anything (even WAL setup) writes to it.
        if FileManager.default.fileExists(atPath: path) {
            try inspect(path: path, busyTimeout: busyTimeout, readOnly: access == .readOnly)
        }
        var config = configuration(busyTimeout: busyTimeout)
        config.readonly = access == .readOnly
        config.journalMode = access == .readOnly ? .default : .wal
        let queue = try LeaderboardStoreError.translating(path: path, busyTimeout: busyTimeout,
                                                          reading: access == .readOnly) {
            try DatabaseQueue(path: path, configuration: config)
        }
        if access != .readOnly { try migrate(queue, path: path, busyTimeout: busyTimeout) }
        return queue
    }

    private static func configuration(busyTimeout: Double) -> Configuration {
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        config.label = "LeaderboardStore"
        return config
    }

    /// Refuses a missing file (unless creating, when its directory is made) or a directory.
    private static func checkFile(path: String, creating: Bool) throws {
        var isDirectory: ObjCBool = false
        let fm = FileManager.default
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue {
                throw LeaderboardStoreError.cannotOpen(path: path, detail: "it is a directory")
            }
            return
        }
        guard creating else { throw LeaderboardStoreError.missingDatabase(path: path) }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw LeaderboardStoreError.cannotOpen(
                path: path, detail: "cannot create the directory \(directory.path): \(error.localizedDescription)")
        }
    }

    /// Refuses a file that is not a leaderboard this build can use; opens it read-only.
    private static func inspect(path: String, busyTimeout: Double, readOnly: Bool) throws {
        var config = configuration(busyTimeout: busyTimeout)
        config.readonly = true
        let state = try LeaderboardStoreError.translating(path: path, busyTimeout: busyTimeout, reading: true) {
            try DatabaseQueue(path: path, configuration: config).read { try schemaState(of: $0) }
        }
        if !state.unknown.isEmpty {
            throw state.known.isEmpty
                ? LeaderboardStoreError.foreignDatabase(path: path)
                : LeaderboardStoreError.newerSchema(path: path, unknownMigrations: state.unknown)
        }
        if state.hasForeignTables { throw LeaderboardStoreError.foreignDatabase(path: path) }
        if readOnly && !state.missing.isEmpty {
            throw state.known.isEmpty
                ? LeaderboardStoreError.foreignDatabase(path: path)
                : LeaderboardStoreError.outdatedSchema(path: path, missingMigrations: state.missing)
        }
    }

    /// Applies the missing migrations.
    ///
    /// Two processes may open a new file at once: the loser of the race to apply a migration
    /// fails inside its own rolled-back transaction and then finds the migration applied.
    private static func migrate(_ queue: DatabaseQueue, path: String, busyTimeout: Double) throws {
        for attempt in 0..<3 {
            do {
                try LeaderboardStoreError.translating(path: path, busyTimeout: busyTimeout) {
                    try migrator.migrate(queue)
                }
                return
            } catch LeaderboardStoreError.sqlite where attempt < 2 {
                let missing = try LeaderboardStoreError.translating(path: path, busyTimeout: busyTimeout,
                                                                    reading: true) {
                    try queue.read { try schemaState(of: $0).missing }
                }
                if missing.isEmpty { return }
            }
        }
    }

    /// Migrations applied, missing and unknown, and whether unrelated tables exist.
    private struct SchemaState {
        var known: [String]
        var missing: [String]
        var unknown: [String]
        var hasForeignTables: Bool
    }

    private static func schemaState(of db: Database) throws -> SchemaState {
        let names = migrationNames
        let tables = try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
            """)
        let applied: Set<String> = tables.contains("grdb_migrations")
            ? Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
            : []
        return SchemaState(
            known: names.filter(applied.contains),
            missing: names.filter { !applied.contains($0) },
            unknown: applied.subtracting(names).sorted(),
            hasForeignTables: applied.isEmpty && tables.contains { $0 != "grdb_migrations" })
    }

    /// The names of the migrations applied to the file.
    public func appliedMigrations() throws -> [String] {
        try translated { try queue.read { try Self.migrator.appliedMigrations($0) } }
    }

    /// Runs SQLite's integrity and foreign-key checks; an empty array means the file is sound.
    public func integrityProblems() throws -> [String] {
        try translated {
            try queue.read { db in
                let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
                let foreign = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").map { row in
                    "foreign key of table \(row[0] as String? ?? "?") row \(row[1] as Int64? ?? -1) "
                        + "points to a missing row of \(row[2] as String? ?? "?")"
                }
                return integrity + foreign
            }
        }
    }

    /// Runs `body` translating SQLite errors into ``LeaderboardStoreError`` naming this file.
    func translated<T>(_ body: () throws -> T) throws -> T {
        try LeaderboardStoreError.translating(path: path, busyTimeout: busyTimeout, body)
    }

    /// A write transaction whose SQLite errors are translated; it rolls back if `body` throws.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try translated { try queue.write(body) }
    }

    /// A read whose SQLite errors are translated.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try LeaderboardStoreError.translating(path: path, busyTimeout: busyTimeout, reading: true) {
            try queue.read(body)
        }
    }

    /// The current time as stored: ISO 8601 in UTC with milliseconds, e.g.
    /// `2026-11-23T17:03:01.228Z` (sorts as text in time order).
    static func timestamp(_ date: Date = Date()) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = time_t(seconds.rounded(.down))
        let millis = min(999, Int(((seconds - Double(whole)) * 1000).rounded(.down)))
        var parts = tm()
        gmtime_r(&whole, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900,
                      Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min),
                      Int(parts.tm_sec), millis)
    }

    /// A stored timestamp read back (nil for text that is not one).
    static func date(fromTimestamp text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
