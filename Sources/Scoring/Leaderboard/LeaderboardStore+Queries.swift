import GRDB

/// What leaderboards and reports read: the latest completed run of each submission.
extension LeaderboardStore {
    /// The latest completed run (by end time) of every submission name on every set manifest,
    /// optionally of one challenge; ordered by challenge, set-manifest hash and submission name.
    ///
    /// - Throws: ``LeaderboardStoreError/unknownChallenge(path:name:known:)`` for a challenge
    ///   name that is not registered.
    public func latestCompletedRuns(challenge: String? = nil) throws -> [RunManifest] {
        try read { db in
            var condition = "r.status = 'completed'"
            var arguments: StatementArguments = []
            if let challenge {
                _ = try challengeID(challenge, db)
                condition += " AND c.name = ?"
                arguments += [challenge]
            }
            let all = try Self.fetchManifests(db, path: path, where: condition, arguments)
            var latest: [String: RunManifest] = [:]
            for run in all {
                let key = [run.challenge, run.setManifestHash, run.submission.name].joined(separator: "\u{0}")
                if let seen = latest[key], !Self.isLater(run, than: seen) { continue }
                latest[key] = run
            }
            return latest.values.sorted {
                ($0.challenge, $0.setManifestHash, $0.submission.name)
                    < ($1.challenge, $1.setManifestHash, $1.submission.name)
            }
        }
    }

    /// The one latest completed run that matches a challenge and a submission name (either may
    /// be omitted when it leaves a single run).
    ///
    /// - Throws: ``LeaderboardStoreError/noMatchingRun(path:challenge:submission:)`` when none
    ///   matches, ``LeaderboardStoreError/ambiguousRun(path:candidates:)`` when several do.
    public func latestCompletedRun(challenge: String?, submission: String?) throws -> RunManifest {
        let matching = try latestCompletedRuns(challenge: challenge)
            .filter { submission == nil || $0.submission.name == submission }
        guard let run = matching.first else {
            throw LeaderboardStoreError.noMatchingRun(path: path, challenge: challenge, submission: submission)
        }
        guard matching.count == 1 else {
            throw LeaderboardStoreError.ambiguousRun(
                path: path, candidates: matching.map { "\($0.submission.name) on \($0.challenge) (sets \($0.setManifestHash))" })
        }
        return run
    }

    /// The total seconds the estimates of a run took (the sum over its results).
    public func runtimeSeconds(of run: RunID) throws -> Double {
        try read { db in
            _ = try runState(run, db)
            return try Double.fetchOne(db, sql: "SELECT TOTAL(runtime_s) FROM result WHERE run_id = ?",
                                       arguments: [run.rawValue]) ?? 0
        }
    }

    private static func isLater(_ a: RunManifest, than b: RunManifest) -> Bool {
        let ea = a.endedAt ?? a.startedAt, eb = b.endedAt ?? b.startedAt
        return ea != eb ? ea > eb : a.id > b.id
    }
}

/// How much a leaderboard file holds, for `bench store check`.
public struct StoreContents: Sendable, Equatable {
    public var challenges: Int
    public var setManifests: Int
    public var truths: Int
    public var submissions: Int
    /// Runs by status.
    public var runs: [RunStatus: Int]
    public var results: Int
    public var scores: Int
    /// The runs that the next beginRun of their identity would resume.
    public var unfinishedRuns: [RunManifest]
}

extension LeaderboardStore {
    /// Counts of everything in the file, and the unfinished runs.
    public func contents() throws -> StoreContents {
        try read { db in
            func count(_ table: String) throws -> Int {
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
            }
            var runs: [RunStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) FROM run GROUP BY status") {
                if let status = RunStatus(rawValue: row[0]) { runs[status] = row[1] }
            }
            return StoreContents(
                challenges: try count("challenge"), setManifests: try count("set_manifest"),
                truths: try count("truth"), submissions: try count("submission"), runs: runs,
                results: try count("result"), scores: try count("score"),
                unfinishedRuns: try Self.fetchManifests(db, path: path, where: "r.status IN ('running', 'interrupted')", []))
        }
    }
}
