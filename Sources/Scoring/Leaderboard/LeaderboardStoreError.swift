import PseudoExperiments
import Foundation
import GRDB

/// What went wrong with a leaderboard database, said so that the user knows what to do.
///
/// SQLite's own failures (a locked, read-only, corrupt or unopenable file) are translated by
/// ``LeaderboardStoreError/translating(_:path:busyTimeout:)``; the other cases are refusals of
/// the store itself (unknown names, conflicting registrations, results that do not fit a run).
/// Every case names the database file.
public enum LeaderboardStoreError: Error, CustomStringConvertible, LocalizedError, Equatable {
    /// There is no file at the path and the command does not create one.
    case missingDatabase(path: String)
    /// The file could not be opened (missing directory, no permission, a directory in the way).
    case cannotOpen(path: String, detail: String)
    /// Another connection held the write lock for longer than the busy timeout.
    case locked(path: String, waitedSeconds: Double)
    /// A write was refused because the file, its directory or the connection is read-only.
    case readOnly(path: String)
    /// A read was refused: reading a WAL database needs its `-shm` file, which could not be
    /// created (the directory is not writable).
    case unreadableWAL(path: String)
    /// The file is not an SQLite database, or its pages are damaged.
    case corrupt(path: String, detail: String)
    /// The disk is full (or the file hit its size limit) during a write.
    case diskFull(path: String)
    /// The file is an empty file or an SQLite database of something else (no leaderboard schema).
    case foreignDatabase(path: String)
    /// The file has migrations this build does not know: it was written by a newer harness.
    case newerSchema(path: String, unknownMigrations: [String])
    /// The file lacks migrations and was opened read-only, so they cannot be applied.
    case outdatedSchema(path: String, missingMigrations: [String])
    /// No challenge of that name is registered.
    case unknownChallenge(path: String, name: String, known: [String])
    /// A challenge of that name is registered with a different spec.
    case challengeSpecConflict(path: String, name: String, storedHash: String, givenHash: String)
    /// The spec stored with a challenge is not a valid challenge spec: its runs cannot be scored by it.
    case unreadableChallengeSpec(path: String, name: String, detail: String)
    /// No set manifest with that hash is registered.
    case unknownSetManifest(path: String, hash: String)
    /// A set manifest with that hash is registered with different contents.
    case setManifestConflict(path: String, hash: String, detail: String)
    /// A submission is registered with another kind (any version) or version (same code hash).
    case submissionConflict(path: String, name: String, field: String, stored: String, given: String)
    /// No submission of that name is registered (optionally: with that code hash).
    case unknownSubmission(path: String, name: String)
    /// An unfinished run exists for the same identity but with a different configuration.
    case unfinishedRunConflict(path: String, run: Int64, field: String, stored: String, given: String)
    /// No run with that id exists.
    case unknownRun(path: String, run: Int64)
    /// The run is finished; results can only be added to a running run.
    case runNotRunning(path: String, run: Int64, status: String)
    /// The pseudo-experiment is not part of the run's set manifest.
    case unknownPseudoExperiment(path: String, run: Int64, key: PseudoExperimentKey)
    /// The run already holds a result for the pseudo-experiment.
    case duplicateResult(path: String, run: Int64, key: PseudoExperimentKey)
    /// Only completed runs are scored.
    case runNotCompleted(path: String, run: Int64, status: String)
    /// Imported results name pseudo-experiments that the set manifest does not have.
    case resultsOutsideManifest(path: String, hash: String, count: Int, example: PseudoExperimentKey)
    /// An import holds a result that differs from the one the unfinished run already has.
    case conflictingResult(path: String, run: Int64, key: PseudoExperimentKey)
    /// The run cannot be marked completed: some pseudo-experiments have no result.
    case incompleteRun(path: String, run: Int64, missing: Int, total: Int)
    /// No completed run matches the challenge and submission asked for.
    case noMatchingRun(path: String, challenge: String?, submission: String?)
    /// Several completed runs match where one is needed.
    case ambiguousRun(path: String, candidates: [String])
    /// A stored value that SQLite accepts but the harness cannot read back (a damaged scorecard,
    /// a run's seeds); `others` more such values follow it.
    case unreadableStoredValue(path: String, problem: StoredValueProblem, others: Int)
    /// Any other SQLite failure, with SQLite's own message.
    case sqlite(path: String, code: Int32, detail: String)
    /// A merge into `path` found files that do not fit together; nothing was written.
    case mergeConflict(path: String, detail: String)

    public var description: String {
        switch self {
        case let .missingDatabase(path):
            return "No leaderboard database at \(path). Pass --database with the path of an "
                + "existing leaderboard, or run the harness first so that it creates one."
        case let .cannotOpen(path, detail):
            return "Cannot open the leaderboard database \(path) (\(detail)). Check that its "
                + "directory exists and is readable and writable, and that the path names a file."
        case let .locked(path, waited):
            return "The leaderboard database \(path) stayed locked by another process for "
                + "\(Self.seconds(waited)). Wait for the other run to finish (or stop it) and "
                + "try again, or pass --database with another file."
        case let .readOnly(path):
            return "The leaderboard database \(path) is read-only, so nothing was written. Make "
                + "the file and its directory writable (e.g. chmod u+w), or copy it to a "
                + "writable place and pass --database with the copy."
        case let .unreadableWAL(path):
            return "Cannot read the leaderboard database \(path): SQLite reads it in WAL mode, which "
                + "needs to create \(path)-shm beside it, and the directory is not writable. Make the "
                + "directory writable, or copy the database to a writable place and pass --database "
                + "with the copy."
        case let .corrupt(path, detail):
            return "\(path) is not a readable leaderboard database: the file is not SQLite or "
                + "is damaged (\(detail)). Restore it from a backup, or pass --database with a "
                + "new path to start a fresh leaderboard; nothing was written to it."
        case let .diskFull(path):
            return "The disk holding the leaderboard database \(path) is full; the last write "
                + "was rolled back. Free some space and run the command again."
        case let .foreignDatabase(path):
            return "\(path) is not a leaderboard database (it has no leaderboard tables: an "
                + "empty file or another program's database). Pass --database with the path of a "
                + "leaderboard; this file was not changed."
        case let .newerSchema(path, unknown):
            return "The leaderboard database \(path) was written by a newer version of bench "
                + "(unknown migrations: \(unknown.joined(separator: ", "))). Upgrade bench to "
                + "read it; it was not changed."
        case let .outdatedSchema(path, missing):
            return "The leaderboard database \(path) has an older schema (missing migrations: "
                + "\(missing.joined(separator: ", "))). Run `bench store migrate --database "
                + "\(path)` once to upgrade it, then try again."
        case let .unknownChallenge(path, name, known):
            let list = known.isEmpty ? "none is registered yet" : "known: \(known.joined(separator: ", "))"
            return "No challenge named '\(name)' in \(path) (\(list)). Check the name passed "
                + "with --challenge."
        case let .challengeSpecConflict(path, name, stored, given):
            return "The challenge '\(name)' in \(path) was registered with another spec (hash "
                + "\(stored), now \(given)). Give the changed challenge a new name, or use a "
                + "new --database."
        case let .unreadableChallengeSpec(path, name, detail):
            let quoted: String = TerminalText.quoted(detail)
            let what = "The spec stored with challenge '\(name)' in \(path) is not a valid challenge spec (\(quoted)), "
            return what + "so its runs cannot be scored by their spec (its score parameters, confidence_level and "
                + "mu_prior). bench registers only valid specs: the file was written by another program or "
                + "changed by hand; restore it, or evaluate again into a new --database."
        case let .unknownSetManifest(path, hash):
            return "No set manifest with hash \(hash) in \(path). Register the pseudo-experiment "
                + "sets (and their truths) first, or check the hash."
        case let .setManifestConflict(path, hash, detail):
            return "The set manifest \(hash) in \(path) was registered with different contents "
                + "(\(detail)). A set-manifest hash must identify one set of pseudo-experiments: "
                + "check how the hash was computed."
        case let .submissionConflict(path, name, field, stored, given):
            return "The submission '\(name)' in \(path) is registered with \(field) '\(stored)', "
                + "not '\(given)'. Use the registered \(field), or give the submission another name."
        case let .unknownSubmission(path, name):
            return "No submission named '\(name)' in \(path). Check the name passed with "
                + "--submission."
        case let .unfinishedRunConflict(path, run, field, stored, given):
            return "Run \(run) in \(path) for the same submission, code and sets is unfinished "
                + "but has another \(field) (\(stored), now \(given)). Resume it with the same "
                + "\(field), or mark it failed before starting over."
        case let .unknownRun(path, run):
            return "No run with id \(run) in \(path)."
        case let .runNotRunning(path, run, status):
            return "Run \(run) in \(path) is \(status); results can only be added to a running "
                + "run. Start a new run instead."
        case let .unknownPseudoExperiment(path, run, key):
            return "The \(key) is not part of the sets of run \(run) in \(path). Check the set and "
                + "pseudo-experiment indices of the result."
        case let .duplicateResult(path, run, key):
            return "Run \(run) in \(path) already has a result for \(key). Each pseudo-experiment "
                + "is recorded once; skip the ones already recorded."
        case let .resultsOutsideManifest(path, hash, count, example):
            return "\(count) of the results (e.g. \(example)) are not pseudo-experiments of the set "
                + "manifest \(hash) in \(path); nothing was imported. Check the --set-manifest hash "
                + "and the set_index and index columns."
        case let .conflictingResult(path, run, key):
            return "Run \(run) in \(path) already holds a different result for \(key); nothing was "
                + "imported. The file changed since the earlier, unfinished import: import the "
                + "original file, or mark run \(run) failed (`bench store fail-run`) and import again."
        case let .runNotCompleted(path, run, status):
            return "Run \(run) in \(path) is \(status); only completed runs are scored. Resume it "
                + "until every pseudo-experiment has a result, then score it."
        case let .incompleteRun(path, run, missing, total):
            return "Run \(run) in \(path) lacks results for \(missing) of \(total) "
                + "pseudo-experiments, so it cannot be marked completed. Resume the run to "
                + "record the rest, or mark it failed."
        case let .noMatchingRun(path, challenge, submission):
            let what = [submission.map { "of submission '\($0)'" }, challenge.map { "on challenge '\($0)'" }]
                .compactMap { $0 }.joined(separator: " ")
            return "No completed run\(what.isEmpty ? "" : " " + what) in \(path). `bench leaderboard "
                + "--database \(path)` lists the completed runs; check the names."
        case let .ambiguousRun(path, candidates):
            return "\(candidates.count) completed runs in \(path) match: \(candidates.joined(separator: "; ")). "
                + "Pass --submission (and --challenge) to pick one."
        case let .unreadableStoredValue(path, problem, others):
            let more = others == 0 ? "" : " (and \(others) more such value\(others == 1 ? "" : "s"); "
                + "`bench store check --database \(path)` lists them)"
            let remedy = problem.rescorable
                ? "Recompute it from the run's stored results with `bench store rescore --database \(path) "
                    + "\(problem.run)`, or restore the file from a backup"
                : "Restore the file from a backup, or mark the run failed with `bench store fail-run "
                    + "--database \(path) \(problem.run)` if it is unfinished"
            return "In the leaderboard database \(path), \(problem)\(more). \(remedy). Commands that "
                + "write refuse such a database before writing anything."
        case let .sqlite(path, code, detail):
            return "SQLite error \(code) on the leaderboard database \(path): \(detail)."
        case let .mergeConflict(path, detail):
            return "Cannot merge into \(path): \(detail). Nothing was merged. Merge only the shard files of one "
                + "evaluation (same sets, submission versions and seeds); re-run a shard into a fresh file if its file is damaged."
        }
    }

    public var errorDescription: String? { description }

    private static func seconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : String(format: "%.2f s", s)
    }

    /// Runs `body` and translates SQLite errors into store errors naming `path`.
    ///
    /// Errors that are already ``LeaderboardStoreError`` (or not database errors at all)
    /// pass through unchanged.
    /// `reading` says that `body` only reads, so that a read-only refusal is explained as such.
    static func translating<T>(path: String, busyTimeout: Double, reading: Bool = false,
                               _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw translate(error, path: path, busyTimeout: busyTimeout, reading: reading)
        }
    }

    /// The store error for an SQLite error on the database at `path`.
    static func translate(_ error: DatabaseError, path: String, busyTimeout: Double,
                          reading: Bool = false) -> LeaderboardStoreError {
        let detail = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .locked(path: path, waitedSeconds: busyTimeout)
        case .SQLITE_READONLY:
            return reading ? .unreadableWAL(path: path) : .readOnly(path: path)
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return .corrupt(path: path, detail: detail)
        case .SQLITE_CANTOPEN:
            return .cannotOpen(path: path, detail: detail)
        case .SQLITE_FULL:
            return .diskFull(path: path)
        default:
            return .sqlite(path: path, code: error.resultCode.rawValue, detail: detail)
        }
    }
}
