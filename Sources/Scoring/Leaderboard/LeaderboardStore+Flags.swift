import GRDB

/// Flags on runs: warnings from the runner's checks, kept beside the results.
extension LeaderboardStore {
    /// Raises `flag` on a run, replacing an earlier flag of the same kind; in any run status.
    ///
    /// - Throws: ``LeaderboardStoreError/unknownRun(path:run:)``.
    public func flagRun(_ run: RunID, _ flag: RunFlag) throws {
        try write { db in
            _ = try runState(run, db)
            try db.execute(sql: """
                INSERT OR REPLACE INTO run_flag (run_id, kind, detail, recorded_at) VALUES (?, ?, ?, ?)
                """, arguments: [run.rawValue, flag.kind, flag.detail, Self.timestamp()])
        }
    }

    /// The flags of a run, by kind.
    public func flags(of run: RunID) throws -> [RunFlag] {
        try read { db in
            _ = try runState(run, db)
            return try Row.fetchAll(db, sql: "SELECT kind, detail FROM run_flag WHERE run_id = ? ORDER BY kind",
                                    arguments: [run.rawValue]).map { RunFlag(kind: $0[0], detail: $0[1]) }
        }
    }
}
