import GRDB
import PseudoExperiments

/// Registering what runs refer to: challenges, set manifests with their truths, submissions.
///
/// Registration is idempotent: registering the same thing again is a no-op, registering a
/// different thing under the same name or hash is refused with a clear error.
extension LeaderboardStore {
    /// Registers a challenge by name with its spec (JSON text) and the spec's hash.
    ///
    /// - Throws: ``LeaderboardStoreError/challengeSpecConflict(path:name:storedHash:givenHash:)``
    ///   when the name is taken by another spec.
    public func registerChallenge(name: String, spec: String, specHash: String) throws {
        precondition(!name.isEmpty && !specHash.isEmpty, "a challenge needs a name and a spec hash")
        try write { db in
            if let stored = try String.fetchOne(
                db, sql: "SELECT spec_hash FROM challenge WHERE name = ?", arguments: [name]) {
                guard stored == specHash else {
                    throw LeaderboardStoreError.challengeSpecConflict(
                        path: path, name: name, storedHash: stored, givenHash: specHash)
                }
                return
            }
            try db.execute(
                sql: "INSERT INTO challenge (name, spec, spec_hash, registered_at) VALUES (?, ?, ?, ?)",
                arguments: [name, spec, specHash, Self.timestamp()])
        }
    }

    /// The names of the registered challenges, sorted.
    public func challengeNames() throws -> [String] {
        try read { try String.fetchAll($0, sql: "SELECT name FROM challenge ORDER BY name") }
    }

    /// The registered spec (JSON text) of a challenge.
    public func challengeSpec(named name: String) throws -> String {
        try read { db in
            guard let spec = try String.fetchOne(
                db, sql: "SELECT spec FROM challenge WHERE name = ?", arguments: [name]) else {
                throw try unknownChallenge(name, db)
            }
            return spec
        }
    }

    /// Registers the pseudo-experiments of a set manifest and their sealed truths, atomically.
    ///
    /// - Parameters:
    ///   - hash: identifies the exact pseudo-experiments (spec, pool, seeds).
    ///   - challenge: the registered challenge they belong to.
    ///   - rootSeed: the root seed the sets were drawn from.
    ///   - sealed: whether that seed is a secret (a sealed manifest) rather than public (open):
    ///     the leaderboard ranks runs on sealed manifests and marks those on open ones.
    ///   - truths: the true mu (and nuisances, if known) of every pseudo-experiment, at least one,
    ///     each key once.
    /// - Throws: ``LeaderboardStoreError/setManifestConflict(path:hash:detail:)`` when the hash
    ///   is registered with another challenge, seed or truths.
    public func registerSetManifest(hash: String, challenge: String, rootSeed: UInt64, sealed: Bool = false,
                                    truths: [PseudoExperimentTruth]) throws {
        precondition(!hash.isEmpty, "a set manifest needs a hash")
        precondition(!truths.isEmpty, "a set manifest needs at least one pseudo-experiment")
        let sorted = truths.sorted { $0.key < $1.key }
        for (a, b) in zip(sorted, sorted.dropFirst()) {
            precondition(a.key != b.key, "the truths of set manifest \(hash) hold \(a.key) twice")
        }
        for t in sorted {
            let values = [t.mu] + Self.nuisanceNumbers(t.nuisances).compactMap { $0 }
            precondition(values.allSatisfy(\.isFinite) && t.setIndex >= 0 && t.index >= 0,
                         "truth of \(t.key) must be finite with non-negative indices: \(t)")
        }
        try write { db in
            let challengeID = try challengeID(challenge, db)
            if let row = try Row.fetchOne(db, sql: """
                SELECT s.id, s.root_seed, c.name, s.sealed FROM set_manifest s JOIN challenge c ON c.id = s.challenge_id
                WHERE s.hash = ?
                """, arguments: [hash]) {
                guard ((row[3] as Int64) != 0) == sealed else {
                    throw LeaderboardStoreError.setManifestConflict(
                        path: path, hash: hash, detail: sealed ? "open, now sealed" : "sealed, now open")
                }
                try checkSameManifest(hash: hash, id: row[0], storedSeed: row[1], storedChallenge: row[2],
                                      challenge: challenge, rootSeed: rootSeed, truths: sorted, db)
                return
            }
            try db.execute(sql: """
                INSERT INTO set_manifest (challenge_id, hash, root_seed, sealed, registered_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [challengeID, hash, String(rootSeed), sealed ? 1 : 0, Self.timestamp()])
            let manifestID = db.lastInsertedRowID
            let insert = try db.makeStatement(sql: """
                INSERT INTO truth (set_manifest_id, set_index, pe_index, mu, tes, jes, soft_met,
                                   ttbar_scale, diboson_scale, bkg_scale)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for t in sorted {
                try insert.execute(arguments: StatementArguments([manifestID, t.setIndex, t.index, t.mu]
                                                                 + Self.nuisanceNumbers(t.nuisances)))
            }
        }
    }

    /// The six nuisance values in column order, or six NULLs when unknown.
    private static func nuisanceNumbers(_ n: NuisanceValues?) -> [Double?] {
        guard let n else { return Array(repeating: nil, count: 6) }
        return [n.tes, n.jes, n.softMet, n.ttbarScale, n.dibosonScale, n.bkgScale]
    }

    private func checkSameManifest(hash: String, id: Int64, storedSeed: String, storedChallenge: String,
                                   challenge: String, rootSeed: UInt64,
                                   truths: [PseudoExperimentTruth], _ db: Database) throws {
        func conflict(_ detail: String) -> LeaderboardStoreError {
            .setManifestConflict(path: path, hash: hash, detail: detail)
        }
        guard storedChallenge == challenge else {
            throw conflict("challenge '\(storedChallenge)', now '\(challenge)'")
        }
        guard storedSeed == String(rootSeed) else { throw conflict("root seed \(storedSeed), now \(rootSeed)") }
        let stored = try self.truths(setManifestID: id, db)
        guard stored.count == truths.count else {
            throw conflict("\(stored.count) pseudo-experiments, now \(truths.count)")
        }
        if let (old, new) = zip(stored, truths).first(where: { $0 != $1 }) {
            throw conflict(old.key == new.key ? "another truth for \(new.key)" : "\(new.key) instead of \(old.key)")
        }
    }

    /// Whether the set manifest `hash` is sealed (its root seed a secret) rather than open.
    public func isSealed(setManifestHash hash: String) throws -> Bool {
        try read { db in
            let id = try setManifestID(hash, db)
            return try Int64.fetchOne(db, sql: "SELECT sealed FROM set_manifest WHERE id = ?", arguments: [id]) == 1
        }
    }

    /// The sealed truths of a set manifest, in key order, for scoring.
    public func truths(setManifestHash hash: String) throws -> [PseudoExperimentTruth] {
        try read { db in try truths(setManifestID: setManifestID(hash, db), db) }
    }

    /// The pseudo-experiments of a set manifest, in order.
    public func pseudoExperiments(setManifestHash hash: String) throws -> [PseudoExperimentKey] {
        try read { db in
            let id = try setManifestID(hash, db)
            return try Row.fetchAll(db, sql: """
                SELECT set_index, pe_index FROM truth WHERE set_manifest_id = ? ORDER BY set_index, pe_index
                """, arguments: [id]).map { PseudoExperimentKey(setIndex: $0[0], index: $0[1]) }
        }
    }

    // MARK: - Lookups shared by the store's facets

    func truths(setManifestID id: Int64, _ db: Database) throws -> [PseudoExperimentTruth] {
        try Row.fetchAll(db, sql: """
            SELECT set_index, pe_index, mu, tes, jes, soft_met, ttbar_scale, diboson_scale, bkg_scale
            FROM truth WHERE set_manifest_id = ? ORDER BY set_index, pe_index
            """, arguments: [id]).map { row in
            var nuisances: NuisanceValues?
            if let tes = row[3] as Double? {
                nuisances = NuisanceValues(tes: tes, jes: row[4], softMet: row[5],
                                           ttbarScale: row[6], dibosonScale: row[7], bkgScale: row[8])
            }
            return PseudoExperimentTruth(setIndex: row[0], index: row[1], mu: row[2], nuisances: nuisances)
        }
    }

    func challengeID(_ name: String, _ db: Database) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM challenge WHERE name = ?", arguments: [name]) else {
            throw try unknownChallenge(name, db)
        }
        return id
    }

    func unknownChallenge(_ name: String, _ db: Database) throws -> LeaderboardStoreError {
        .unknownChallenge(path: path, name: name,
                          known: try String.fetchAll(db, sql: "SELECT name FROM challenge ORDER BY name"))
    }

    func setManifestID(_ hash: String, _ db: Database) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM set_manifest WHERE hash = ?", arguments: [hash]) else {
            throw LeaderboardStoreError.unknownSetManifest(path: path, hash: hash)
        }
        return id
    }

    /// The id of the submission row (name, code hash), inserting it if new.
    func submissionID(_ submission: Submission, _ db: Database) throws -> Int64 {
        precondition(!submission.name.isEmpty && !submission.codeHash.isEmpty,
                     "a submission needs a name and a code hash: \(submission)")
        if let kind = try String.fetchOne(
            db, sql: "SELECT kind FROM submission WHERE name = ? LIMIT 1", arguments: [submission.name]),
           kind != submission.kind.rawValue {
            throw LeaderboardStoreError.submissionConflict(
                path: path, name: submission.name, field: "kind", stored: kind, given: submission.kind.rawValue)
        }
        if let row = try Row.fetchOne(db, sql: "SELECT id, version FROM submission WHERE name = ? AND code_hash = ?",
                                      arguments: [submission.name, submission.codeHash]) {
            let version: String = row[1]
            guard version == submission.version else {
                throw LeaderboardStoreError.submissionConflict(
                    path: path, name: submission.name, field: "version for code hash \(submission.codeHash)",
                    stored: version, given: submission.version)
            }
            return row[0]
        }
        try db.execute(sql: """
            INSERT INTO submission (name, kind, version, code_hash, registered_at) VALUES (?, ?, ?, ?, ?)
            """, arguments: [submission.name, submission.kind.rawValue, submission.version,
                             submission.codeHash, Self.timestamp()])
        return db.lastInsertedRowID
    }
}
