import GRDB

/// The schema of the leaderboard database, as named forward-only migrations.
///
/// RULE: a migration that has shipped (reached the main branch) is never edited, renamed or
/// removed; databases in the wild have already applied it and GRDB records its name in
/// `grdb_migrations`. Change the schema by appending a new migration with a new name. Each
/// migration runs in its own transaction, so a failure leaves the file at the previous version.
///
/// Conventions of the schema:
/// - every column is NOT NULL unless NULL carries a documented meaning;
/// - foreign keys are enforced (GRDB enables them on every connection);
/// - SQLite stores a NaN REAL as NULL: `result` keeps a bit mask telling a NaN from a value not
///   reported (an estimator may return NaN; the scoring policy decides its price). Infinities
///   are stored as they are;
/// - times are ISO 8601 text in UTC; 64-bit seeds are decimal text (SQLite integers are signed).
extension LeaderboardStore {
    /// The migrations in the order they apply. Append only.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-01-leaderboard-v1") { try createVersion1($0) }
        migrator.registerMigration("2026-02-run-flags") { try createRunFlags($0) }
        migrator.registerMigration("2026-12-seal-set-manifest-sealed") { try addSetManifestSealed($0) }
        migrator.registerMigration("2026-12-run-workers") { try createRunWorkers($0) }
        migrator.registerMigration("2026-12-result-levels") { try createResultLevels($0) }
        return migrator
    }

    /// The names of all migrations this build knows, in order.
    static var migrationNames: [String] { migrator.migrations }

    /// Challenges, set manifests with their truths, submissions, runs, results, scores.
    private static func createVersion1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE challenge (
                id            INTEGER PRIMARY KEY,
                name          TEXT NOT NULL UNIQUE CHECK (name <> ''),
                spec          TEXT NOT NULL,              -- the challenge spec (JSON) as registered
                spec_hash     TEXT NOT NULL CHECK (spec_hash <> ''),
                registered_at TEXT NOT NULL
            );

            -- One generated collection of pseudo-experiments. Its hash identifies the exact
            -- pseudo-experiments (spec, pool, seeds); the truths are sealed here, never shown
            -- to an estimator (the runner writes this table, estimators never open it).
            CREATE TABLE set_manifest (
                id            INTEGER PRIMARY KEY,
                challenge_id  INTEGER NOT NULL REFERENCES challenge(id),
                hash          TEXT NOT NULL UNIQUE CHECK (hash <> ''),
                root_seed     TEXT NOT NULL,
                registered_at TEXT NOT NULL
            );

            -- Nuisance values are all known or all NULL (a source that records only mu).
            CREATE TABLE truth (
                set_manifest_id INTEGER NOT NULL REFERENCES set_manifest(id),
                set_index       INTEGER NOT NULL CHECK (set_index >= 0),
                pe_index        INTEGER NOT NULL CHECK (pe_index >= 0),
                mu              REAL NOT NULL,
                tes             REAL,
                jes             REAL,
                soft_met        REAL,
                ttbar_scale     REAL,
                diboson_scale   REAL,
                bkg_scale       REAL,
                PRIMARY KEY (set_manifest_id, set_index, pe_index),
                CHECK ((tes IS NULL) = (jes IS NULL) AND (tes IS NULL) = (soft_met IS NULL)
                       AND (tes IS NULL) = (ttbar_scale IS NULL) AND (tes IS NULL) = (diboson_scale IS NULL)
                       AND (tes IS NULL) = (bkg_scale IS NULL))
            ) WITHOUT ROWID;

            -- A submission is a name and a kind; each code version of it is one row.
            -- 'reference' rows (oracle, null baseline) are listed without a rank.
            CREATE TABLE submission (
                id            INTEGER PRIMARY KEY,
                name          TEXT NOT NULL CHECK (name <> ''),
                kind          TEXT NOT NULL CHECK (kind IN ('entry', 'baseline', 'reference')),
                version       TEXT NOT NULL,
                code_hash     TEXT NOT NULL CHECK (code_hash <> ''),
                registered_at TEXT NOT NULL,
                UNIQUE (name, code_hash)
            );

            -- A run is identified by its submission row (name + code hash) and set manifest.
            -- ended_at is NULL exactly while the run is running; an interrupted run is resumed
            -- by the next beginRun for the same identity.
            CREATE TABLE run (
                id              INTEGER PRIMARY KEY,
                submission_id   INTEGER NOT NULL REFERENCES submission(id),
                set_manifest_id INTEGER NOT NULL REFERENCES set_manifest(id),
                seeds           TEXT NOT NULL,            -- JSON object name -> decimal seed
                harness_version TEXT NOT NULL,
                host            TEXT NOT NULL,
                started_at      TEXT NOT NULL,
                ended_at        TEXT,
                status          TEXT NOT NULL
                    CHECK (status IN ('running', 'interrupted', 'completed', 'failed')),
                resumptions     INTEGER NOT NULL DEFAULT 0 CHECK (resumptions >= 0),
                CHECK ((status = 'running') = (ended_at IS NULL))
            );
            -- At most one unfinished run per identity, even with concurrent writers.
            CREATE UNIQUE INDEX run_unfinished_identity
                ON run (submission_id, set_manifest_id) WHERE status IN ('running', 'interrupted');
            CREATE INDEX run_set_manifest ON run (set_manifest_id);

            -- One row per pseudo-experiment of a run, committed as it arrives. The estimate's
            -- numbers are NULL when not reported or NaN; bit k of nan_mask (mu_hat 1,
            -- uncertainty 2, p16 4, p84 8, p2_5 16, p97_5 32) marks a NULL that is a NaN.
            -- A row without an estimate has no numbers; it usually carries an error message.
            CREATE TABLE result (
                run_id          INTEGER NOT NULL REFERENCES run(id),
                set_manifest_id INTEGER NOT NULL,
                set_index       INTEGER NOT NULL,
                pe_index        INTEGER NOT NULL,
                has_estimate    INTEGER NOT NULL CHECK (has_estimate IN (0, 1)),
                mu_hat          REAL,
                uncertainty     REAL,
                p16             REAL,
                p84             REAL,
                p2_5            REAL,
                p97_5           REAL,
                nan_mask        INTEGER NOT NULL DEFAULT 0 CHECK (nan_mask BETWEEN 0 AND 63),
                runtime_s       REAL NOT NULL CHECK (runtime_s >= 0),
                error           TEXT,
                recorded_at     TEXT NOT NULL,
                PRIMARY KEY (run_id, set_index, pe_index),
                FOREIGN KEY (set_manifest_id, set_index, pe_index)
                    REFERENCES truth (set_manifest_id, set_index, pe_index),
                CHECK (has_estimate = 1 OR (mu_hat IS NULL AND uncertainty IS NULL AND p16 IS NULL
                       AND p84 IS NULL AND p2_5 IS NULL AND p97_5 IS NULL AND nan_mask = 0)),
                CHECK (has_estimate = 0 OR ((p16 IS NOT NULL OR nan_mask & 4) AND (p84 IS NOT NULL OR nan_mask & 8)))
            ) WITHOUT ROWID;

            -- The scorecard of a run under one scoring policy (canonical JSON). The numbers are
            -- the pooled ones, repeated from the scorecard for queries; NULL means NaN, or for
            -- score_error no bootstrap. The scorecard JSON writes NaN and infinities as strings.
            CREATE TABLE score (
                id                   INTEGER PRIMARY KEY,
                run_id               INTEGER NOT NULL REFERENCES run(id),
                policy               TEXT NOT NULL,
                pseudo_experiments   INTEGER NOT NULL CHECK (pseudo_experiments > 0),
                failures             INTEGER NOT NULL CHECK (failures >= 0),
                score                REAL,
                score_error          REAL,
                coverage             REAL,
                interval             REAL,
                bootstrap_replicates INTEGER NOT NULL CHECK (bootstrap_replicates >= 0),
                bootstrap_seed       TEXT NOT NULL,
                scorecard            TEXT NOT NULL,
                computed_at          TEXT NOT NULL,
                UNIQUE (run_id, policy)
            );

            -- The scorecard's breakdowns as rows: variable 'set' (position = set index, lower =
            -- upper = the set's true mu when it has one), 'mu', and each nuisance by spec name.
            -- score and failures are known for sets only.
            CREATE TABLE score_breakdown (
                score_id           INTEGER NOT NULL REFERENCES score(id) ON DELETE CASCADE,
                variable           TEXT NOT NULL CHECK (variable <> ''),
                position           INTEGER NOT NULL CHECK (position >= 0),
                lower              REAL,
                upper              REAL,
                pseudo_experiments INTEGER NOT NULL CHECK (pseudo_experiments >= 0),
                covered            INTEGER NOT NULL CHECK (covered >= 0),
                failures           INTEGER,
                coverage           REAL,
                interval           REAL,
                score              REAL,
                PRIMARY KEY (score_id, variable, position)
            ) WITHOUT ROWID;
            """)
    }

    /// Flags raised on a run by the runner's checks (e.g. `stateful`: a fresh instance of the
    /// estimator gave other estimates), one per kind, shown with the run on leaderboards.
    private static func createRunFlags(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE run_flag (
                run_id      INTEGER NOT NULL REFERENCES run(id),
                kind        TEXT NOT NULL CHECK (kind <> ''),
                detail      TEXT NOT NULL,
                recorded_at TEXT NOT NULL,
                PRIMARY KEY (run_id, kind)
            ) WITHOUT ROWID;
            """)
    }

    /// Whether a set manifest is sealed (its root seed a secret of the truth file) or open (its
    /// seed public, so that anyone can recompute its truths). Manifests registered before this
    /// migration held their seed in the manifest: open.
    private static func addSetManifestSealed(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE set_manifest ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0 CHECK (sealed IN (0, 1));
            """)
    }

    /// The processes recording into a run at the moment: two evaluations of one submission on
    /// one file share its unfinished run, and the run is marked interrupted only when the last
    /// of them stops early.
    private static func createRunWorkers(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE run_worker (
                token     TEXT PRIMARY KEY CHECK (token <> ''),   -- random, one per beginRun
                run_id    INTEGER NOT NULL REFERENCES run(id),
                host      TEXT NOT NULL,
                pid       INTEGER NOT NULL CHECK (pid > 0),
                joined_at TEXT NOT NULL
            );
            CREATE INDEX run_worker_run ON run_worker (run_id);
            """)
    }

    /// Intervals at confidence levels beside the primary 68.27% one and the 95% one (which keep
    /// their columns p16/p84 and p2_5/p97_5 of `result`): 50%, 90% and any other level an
    /// estimator reports, one row per level. Results recorded before this migration have none,
    /// which reads as "not reported". NaN ends are NULL with bit 1 (lower) or 2 (upper) of
    /// nan_mask set, as in `result`.
    private static func createResultLevels(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE result_level (
                run_id    INTEGER NOT NULL,
                set_index INTEGER NOT NULL,
                pe_index  INTEGER NOT NULL,
                level     REAL NOT NULL CHECK (level > 0 AND level < 1 AND level <> 0.95),
                lower     REAL,
                upper     REAL,
                nan_mask  INTEGER NOT NULL DEFAULT 0 CHECK (nan_mask BETWEEN 0 AND 3),
                PRIMARY KEY (run_id, set_index, pe_index, level),
                FOREIGN KEY (run_id, set_index, pe_index) REFERENCES result (run_id, set_index, pe_index),
                CHECK ((lower IS NOT NULL OR nan_mask & 1) AND (upper IS NOT NULL OR nan_mask & 2))
            ) WITHOUT ROWID;
            """)
    }
}
