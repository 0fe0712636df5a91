import Foundation
import GRDB
import PseudoExperiments

/// Runs: begin (or resume), record one result at a time, finish.
///
/// The resumable protocol of a runner:
/// ```swift
/// let run = try store.beginRun(submission: sub, setManifestHash: hash, seeds: seeds)
/// let done = try store.completedPseudoExperiments(run.id)
/// for key in try store.pseudoExperiments(setManifestHash: hash) where !done.contains(key) {
///     try store.record(estimate(key), in: run.id)      // durable when it returns
/// }
/// try store.finishRun(run.id, status: .completed)
/// ```
/// A process killed anywhere in this loop loses at most the result it was computing.
extension LeaderboardStore {
    /// Starts a run of `submission` on the pseudo-experiments of a set manifest, or resumes the
    /// unfinished run with the same identity (submission name, code hash, set-manifest hash).
    ///
    /// - Throws: ``LeaderboardStoreError/unfinishedRunConflict(path:run:field:stored:given:)``
    ///   when the unfinished run has other seeds or another harness version (its results would
    ///   not mix), and the registration errors for an unknown set manifest or a submission whose
    ///   kind or version conflicts.
    public func beginRun(submission: Submission, setManifestHash: String, seeds: [String: UInt64] = [:],
                         harnessVersion: String = Harness.version,
                         host: String = ProcessInfo.processInfo.hostName) throws -> RunStart {
        let seedsText = Self.encodeSeeds(seeds)
        let worker = RunWorker(token: UUID().uuidString, host: host, pid: ProcessInfo.processInfo.processIdentifier)
        let runID: Int64, resumed: Bool, peers: Int
        (runID, resumed, peers) = try write { db in
            let manifestID = try setManifestID(setManifestHash, db)
            let submissionID = try submissionID(submission, db)
            if let row = try Row.fetchOne(db, sql: """
                SELECT id, seeds, harness_version FROM run
                WHERE submission_id = ? AND set_manifest_id = ? AND status IN ('running', 'interrupted')
                """, arguments: [submissionID, manifestID]) {
                let id: Int64 = row[0]
                for (field, stored, given) in [("seeds", row[1] as String, seedsText),
                                               ("harness version", row[2] as String, harnessVersion)]
                where stored != given {
                    throw LeaderboardStoreError.unfinishedRunConflict(
                        path: path, run: id, field: field, stored: stored, given: given)
                }
                try db.execute(sql: """
                    UPDATE run SET status = 'running', ended_at = NULL, resumptions = resumptions + 1
                    WHERE id = ?
                    """, arguments: [id])
                let peers = try liveWorkers(of: id, db).count
                try register(worker, in: id, db)
                return (id, true, peers)
            }
            try db.execute(sql: """
                INSERT INTO run (submission_id, set_manifest_id, seeds, harness_version, host, started_at, status)
                VALUES (?, ?, ?, ?, ?, ?, 'running')
                """, arguments: [submissionID, manifestID, seedsText, harnessVersion, host, Self.timestamp()])
            let id = db.lastInsertedRowID
            try register(worker, in: id, db)
            return (id, false, 0)
        }
        return RunStart(manifest: try runManifest(RunID(runID)), resumed: resumed, worker: worker, peers: peers)
    }

    private func register(_ worker: RunWorker, in run: Int64, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO run_worker (token, run_id, host, pid, joined_at) VALUES (?, ?, ?, ?, ?)",
                       arguments: [worker.token, run, worker.host, worker.pid, Self.timestamp()])
    }

    /// The workers of a run still alive, after removing those known dead: a process on this
    /// host that no longer exists. A worker on another host is taken as alive (nothing here can
    /// tell); the worst that does is a run left `running`, which resumes like an interrupted one.
    private func liveWorkers(of run: Int64, _ db: Database) throws -> [String] {
        let here = ProcessInfo.processInfo.hostName
        var live: [String] = []
        for row in try Row.fetchAll(db, sql: "SELECT token, host, pid FROM run_worker WHERE run_id = ?",
                                    arguments: [run]) {
            let token: String = row[0], host: String = row[1], pid: Int32 = row[2]
            if host == here && kill(pid, 0) != 0 && errno == ESRCH {
                try db.execute(sql: "DELETE FROM run_worker WHERE token = ?", arguments: [token])
            } else {
                live.append(token)
            }
        }
        return live
    }

    /// The pseudo-experiments of a run that already have a result (an estimate or a failure).
    public func completedPseudoExperiments(_ run: RunID) throws -> Set<PseudoExperimentKey> {
        try read { db in
            _ = try runState(run, db)
            return Set(try Row.fetchAll(db, sql: "SELECT set_index, pe_index FROM result WHERE run_id = ?",
                                        arguments: [run.rawValue])
                .map { PseudoExperimentKey(setIndex: $0[0], index: $0[1]) })
        }
    }

    /// Ends this process's part in a run without changing the run's status.
    public func leave(_ worker: RunWorker) throws {
        try write { db in try db.execute(sql: "DELETE FROM run_worker WHERE token = ?", arguments: [worker.token]) }
    }

    /// Whether the run already has a result for `key` (recorded by any process).
    public func hasResult(_ key: PseudoExperimentKey, in run: RunID) throws -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM result WHERE run_id = ? AND set_index = ? AND pe_index = ?)
                """, arguments: [run.rawValue, key.setIndex, key.index]) ?? false
        }
    }

    /// Records one result in its own transaction: durable when this returns.
    ///
    /// - Throws: ``LeaderboardStoreError/runNotRunning(path:run:status:)``,
    ///   ``LeaderboardStoreError/unknownPseudoExperiment(path:run:key:)``,
    ///   ``LeaderboardStoreError/duplicateResult(path:run:key:)``; nothing is written then.
    public func record(_ outcome: PseudoExperimentOutcome, in run: RunID) throws {
        precondition(outcome.runtimeSeconds.isFinite && outcome.runtimeSeconds >= 0,
                     "runtime must be a finite number of seconds >= 0, got \(outcome.runtimeSeconds)")
        try write { db in
            let (status, manifestID) = try runState(run, db)
            guard status == .running else {
                throw LeaderboardStoreError.runNotRunning(path: path, run: run.rawValue, status: status.rawValue)
            }
            let key = outcome.key
            let known = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM truth WHERE set_manifest_id = ? AND set_index = ? AND pe_index = ?)
                """, arguments: [manifestID, key.setIndex, key.index]) ?? false
            guard known else {
                throw LeaderboardStoreError.unknownPseudoExperiment(path: path, run: run.rawValue, key: key)
            }
            let duplicate = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM result WHERE run_id = ? AND set_index = ? AND pe_index = ?)
                """, arguments: [run.rawValue, key.setIndex, key.index]) ?? false
            guard !duplicate else {
                throw LeaderboardStoreError.duplicateResult(path: path, run: run.rawValue, key: key)
            }
            let (numbers, nanMask) = Self.encodeNumbers(outcome.estimate)
            try db.execute(sql: """
                INSERT INTO result (run_id, set_manifest_id, set_index, pe_index, has_estimate, mu_hat,
                                    uncertainty, p16, p84, p2_5, p97_5, nan_mask, runtime_s, error, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: StatementArguments(
                    [run.rawValue, manifestID, key.setIndex, key.index, outcome.estimate != nil]
                    + numbers.map { $0 as (any DatabaseValueConvertible)? }
                    + [nanMask, outcome.runtimeSeconds, outcome.failure, Self.timestamp()]))
            try Self.recordLevels(outcome.estimate, run: run, key: key, db)
        }
    }

    /// The further levels of an estimate other than 95% (which has its columns), one
    /// `result_level` row each.
    static func recordLevels(_ estimate: Estimate?, run: RunID, key: PseudoExperimentKey, _ db: Database) throws {
        guard let estimate else { return }
        for l in estimate.levels where l.level != 0.95 {
            let ends = [l.interval.lower, l.interval.upper]
            let mask = (ends[0].isNaN ? 1 : 0) | (ends[1].isNaN ? 2 : 0)
            try db.execute(sql: """
                INSERT INTO result_level (run_id, set_index, pe_index, level, lower, upper, nan_mask)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [run.rawValue, key.setIndex, key.index, l.level,
                                 ends[0].isNaN ? nil : ends[0], ends[1].isNaN ? nil : ends[1], mask])
        }
    }

    /// The `result_level` rows of a run: per pseudo-experiment, its further intervals.
    static func fetchLevels(_ run: RunID, _ db: Database) throws -> [PseudoExperimentKey: [LevelInterval]] {
        var levels: [PseudoExperimentKey: [LevelInterval]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT set_index, pe_index, level, lower, upper, nan_mask FROM result_level WHERE run_id = ?
            """, arguments: [run.rawValue]) {
            let mask: Int = row[5]
            let lower: Double = mask & 1 != 0 ? .nan : (row[3] as Double? ?? .nan)
            let upper: Double = mask & 2 != 0 ? .nan : (row[4] as Double? ?? .nan)
            levels[PseudoExperimentKey(setIndex: row[0], index: row[1]), default: []]
                .append(LevelInterval(level: row[2], lower: lower, upper: upper))
        }
        return levels
    }

    /// Ends a run: `.completed` (every pseudo-experiment has a result), `.interrupted` (to be
    /// resumed) or `.failed` (abandoned).
    ///
    /// A running run may take any of the three; an interrupted run may only be marked failed
    /// (resume it to complete it). With the `worker` of a ``RunStart``, the run is shared:
    /// `.completed` of a run another worker already completed is accepted, and `.interrupted`
    /// leaves the run running while another live worker records into it (that one ends it).
    /// - Throws: ``LeaderboardStoreError/incompleteRun(path:run:missing:total:)`` for a
    ///   completed run with missing results; ``LeaderboardStoreError/runNotRunning(path:run:status:)``
    ///   for a transition that is not allowed.
    public func finishRun(_ run: RunID, status: RunStatus, worker: RunWorker? = nil) throws {
        precondition(status != .running, "finishRun needs a final status, got \(status)")
        try write { db in
            let (current, manifestID) = try runState(run, db)
            if let worker {
                try db.execute(sql: "DELETE FROM run_worker WHERE token = ?", arguments: [worker.token])
                // Another process completed the run first: every result is in.
                if status == .completed && current == .completed { return }
                // Another process is still recording: the run goes on, and that process ends it.
                if try status == .interrupted && current == .running && !liveWorkers(of: run.rawValue, db).isEmpty {
                    return
                }
            }
            guard current == .running || (current == .interrupted && status == .failed) else {
                throw LeaderboardStoreError.runNotRunning(path: path, run: run.rawValue, status: current.rawValue)
            }
            if status == .completed {
                let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM truth WHERE set_manifest_id = ?",
                                             arguments: [manifestID]) ?? 0
                let done = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM result WHERE run_id = ?",
                                            arguments: [run.rawValue]) ?? 0
                guard done == total else {
                    throw LeaderboardStoreError.incompleteRun(
                        path: path, run: run.rawValue, missing: total - done, total: total)
                }
            }
            try db.execute(sql: "DELETE FROM run_worker WHERE run_id = ?", arguments: [run.rawValue])
            try db.execute(sql: "UPDATE run SET status = ?, ended_at = ? WHERE id = ?",
                           arguments: [status.rawValue, Self.timestamp(), run.rawValue])
        }
    }

    /// Everything recorded about a run.
    public func runManifest(_ run: RunID) throws -> RunManifest {
        try read { db in
            guard let manifest = try Self.fetchManifests(db, path: path, where: "r.id = ?", [run.rawValue]).first else {
                throw LeaderboardStoreError.unknownRun(path: path, run: run.rawValue)
            }
            return manifest
        }
    }

    /// The results of a run, in pseudo-experiment order.
    public func outcomes(of run: RunID) throws -> [PseudoExperimentOutcome] {
        try read { db in
            _ = try runState(run, db)
            return try Self.fetchOutcomes(run, db)
        }
    }

    /// The results of a run joined to their truths, as the metrics take them.
    public func scoredResults(of run: RunID) throws -> [ScoredResult] {
        try read { db in try scoredResults(of: run, db) }
    }

    func scoredResults(of run: RunID, _ db: Database) throws -> [ScoredResult] {
        let (_, manifestID) = try runState(run, db)
        let truths = Dictionary(uniqueKeysWithValues: try truths(setManifestID: manifestID, db).map { ($0.key, $0) })
        return try Self.fetchOutcomes(run, db).map { outcome in
            // The foreign key guarantees the truth; only a damaged file lacks it.
            guard let truth = truths[outcome.key] else {
                throw LeaderboardStoreError.corrupt(path: path, detail: "the result for \(outcome.key) of run \(run) has no truth")
            }
            return outcome.scored(against: truth)
        }
    }

    // MARK: - Helpers

    /// The status and set-manifest row of a run.
    func runState(_ run: RunID, _ db: Database) throws -> (RunStatus, Int64) {
        guard let row = try Row.fetchOne(db, sql: "SELECT status, set_manifest_id FROM run WHERE id = ?",
                                         arguments: [run.rawValue]) else {
            throw LeaderboardStoreError.unknownRun(path: path, run: run.rawValue)
        }
        let text: String = row[0]
        guard let status = RunStatus(rawValue: text) else {
            throw LeaderboardStoreError.corrupt(path: path, detail: "run \(run) has unknown status \(TerminalText.quoted(text))")
        }
        return (status, row[1])
    }

    static func fetchOutcomes(_ run: RunID, _ db: Database) throws -> [PseudoExperimentOutcome] {
        let levels = try fetchLevels(run, db)
        return try Row.fetchAll(db, sql: """
            SELECT set_index, pe_index, has_estimate, mu_hat, uncertainty, p16, p84, p2_5, p97_5, nan_mask,
                   runtime_s, error
            FROM result WHERE run_id = ? ORDER BY set_index, pe_index
            """, arguments: [run.rawValue]).map { row in
            let hasEstimate: Bool = row[2]
            let numbers: [Double?] = (3...8).map { row[$0] }
            let key = PseudoExperimentKey(setIndex: row[0], index: row[1])
            var estimate = hasEstimate ? decodeNumbers(numbers, nanMask: row[9]) : nil
            for l in levels[key] ?? [] { estimate?.setInterval(l.interval, at: l.level) }
            return PseudoExperimentOutcome(key: key, estimate: estimate, failure: row[11], runtimeSeconds: row[10])
        }
    }

    /// The six stored numbers of an estimate (NULL for NaN and for absent) and the mask whose
    /// bit k marks a NaN in column k (SQLite turns NaN into NULL).
    static func encodeNumbers(_ estimate: Estimate?) -> ([Double?], Int) {
        guard let estimate else { return (Array(repeating: nil, count: 6), 0) }
        var mask = 0
        let numbers = estimate.storedNumbers.enumerated().map { k, x -> Double? in
            guard let x, x.isNaN else { return x }
            mask |= 1 << k
            return nil
        }
        return (numbers, mask)
    }

    static func decodeNumbers(_ numbers: [Double?], nanMask: Int) -> Estimate? {
        Estimate(storedNumbers: numbers.enumerated().map { k, x in nanMask & (1 << k) != 0 ? .nan : x })
    }

    /// Run manifests matching an SQL condition on `run r`, `submission u`, `set_manifest s`,
    /// `challenge c`, newest first.
    static func fetchManifests(_ db: Database, path: String, where condition: String,
                               _ arguments: StatementArguments) throws -> [RunManifest] {
        try Row.fetchAll(db, sql: """
            SELECT r.id, c.name, u.name, u.kind, u.version, u.code_hash, s.hash, r.seeds,
                   r.harness_version, r.host, r.started_at, r.ended_at, r.status, r.resumptions
            FROM run r JOIN submission u ON u.id = r.submission_id
                       JOIN set_manifest s ON s.id = r.set_manifest_id
                       JOIN challenge c ON c.id = s.challenge_id
            WHERE \(condition) ORDER BY r.id DESC
            """, arguments: arguments).map { row in
            RunManifest(
                id: RunID(row[0]), challenge: row[1],
                submission: Submission(name: row[2], kind: Submission.Kind(rawValue: row[3]) ?? .entry,
                                       version: row[4], codeHash: row[5]),
                setManifestHash: row[6], seeds: try decodeSeeds(row[7], run: RunID(row[0]), path: path), harnessVersion: row[8], host: row[9],
                startedAt: date(fromTimestamp: row[10]) ?? Date(timeIntervalSince1970: 0),
                endedAt: (row[11] as String?).flatMap(date(fromTimestamp:)),
                status: RunStatus(rawValue: row[12]) ?? .failed, resumptions: row[13])
        }
    }

    /// Seeds as a JSON object with sorted keys and decimal values (exact for 64-bit seeds).
    static func encodeSeeds(_ seeds: [String: UInt64]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(seeds)) ?? Data("{}".utf8)   // a [String: UInt64] always encodes
        return String(decoding: data, as: UTF8.self)
    }

    /// The seeds of a run from their stored text; a text that is not such an object is an
    /// error naming the run, never an empty set of seeds.
    static func decodeSeeds(_ text: String, run: RunID, path: String? = nil) throws -> [String: UInt64] {
        do {
            return try JSONDecoder().decode([String: UInt64].self, from: Data(text.utf8))
        } catch {
            guard let path else { throw error }
            throw LeaderboardStoreError.unreadableStoredValue(
                path: path, problem: StoredValueProblem(field: "run.seeds", run: run,
                                                        detail: decodingDetail(error, text: text), rescorable: false),
                others: 0)
        }
    }
}
