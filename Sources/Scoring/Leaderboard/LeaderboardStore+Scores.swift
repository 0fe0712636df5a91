import Foundation
import GRDB

/// Scores of completed runs: the whole ``Scorecard`` as JSON, its pooled numbers as columns and
/// its breakdowns as rows, one score per run and scoring policy.
extension LeaderboardStore {
    /// Scores a completed run from its stored results and truths, stores the scorecard
    /// (replacing an earlier one under the same policy) and returns it. `policy` nil: the
    /// policy of the run's own challenge spec (``scoringPolicy(of:)``).
    ///
    /// - Throws: ``LeaderboardStoreError/runNotCompleted(path:run:status:)`` for a run that is
    ///   not completed (a partial score would be misleading); ``ScoringError`` from the metrics.
    @discardableResult
    public func scoreRun(_ run: RunID, policy given: ScoringPolicy? = nil,
                         bootstrap: BootstrapOptions? = BootstrapOptions()) throws -> Scorecard {
        let results: [ScoredResult] = try read { db in
            let (status, _) = try runState(run, db)
            guard status == .completed else {
                throw LeaderboardStoreError.runNotCompleted(path: path, run: run.rawValue, status: status.rawValue)
            }
            return try scoredResults(of: run, db)
        }
        let policy = try given ?? scoringPolicy(of: run)
        let card = try Scorecard(results: results, policy: policy, bootstrap: bootstrap)
        try saveScorecard(card, for: run)
        return card
    }

    /// Stores a scorecard of a run, replacing the one under the same policy, in one transaction.
    public func saveScorecard(_ card: Scorecard, for run: RunID) throws {
        let policy = try Self.canonicalJSON(card.policy)
        let cardJSON = try Self.canonicalJSON(card)
        try write { db in
            _ = try runState(run, db)
            try db.execute(sql: """
                DELETE FROM score_breakdown WHERE score_id IN (SELECT id FROM score WHERE run_id = ? AND policy = ?);
                DELETE FROM score WHERE run_id = ? AND policy = ?
                """, arguments: [run.rawValue, policy, run.rawValue, policy])
            let o = card.overall
            try db.execute(sql: """
                INSERT INTO score (run_id, policy, pseudo_experiments, failures, score, score_error, coverage,
                                   interval, bootstrap_replicates, bootstrap_seed, scorecard, computed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [run.rawValue, policy, o.n, o.failures, Self.nanAsNull(o.score),
                                 card.bootstrap.map { Self.nanAsNull($0.scoreStandardError) } ?? nil,
                                 Self.nanAsNull(o.coverage), Self.nanAsNull(o.interval),
                                 card.bootstrap?.options.replicates ?? 0,
                                 String(card.bootstrap?.options.seed ?? 0), cardJSON, Self.timestamp()])
            let scoreID = db.lastInsertedRowID
            let insert = try db.makeStatement(sql: """
                INSERT INTO score_breakdown (score_id, variable, position, lower, upper, pseudo_experiments,
                                             covered, failures, coverage, interval, score)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for set in card.sets {
                let m = set.metrics
                try insert.execute(arguments: [scoreID, "set", set.setIndex, set.mu, set.mu, m.n, m.covered,
                                               m.failures, Self.nanAsNull(m.coverage), Self.nanAsNull(m.interval),
                                               Self.nanAsNull(m.score)])
            }
            for breakdown in [card.byTrueMu] + card.byNuisance {
                for (position, bin) in breakdown.bins.enumerated() {
                    try insert.execute(arguments: [scoreID, breakdown.variable, position, Self.nanAsNull(bin.lower),
                                                   Self.nanAsNull(bin.upper), bin.coverage.n, bin.coverage.covered,
                                                   nil, Self.nanAsNull(bin.coverage.coverage),
                                                   Self.nanAsNull(bin.meanWidth), nil])
                }
            }
        }
    }

    /// The stored scorecard of a run under `policy` (nil: the run's own spec's), or nil when
    /// the run was not scored so.
    public func scorecard(for run: RunID, policy given: ScoringPolicy? = nil) throws -> Scorecard? {
        let policyJSON = try Self.canonicalJSON(try given ?? scoringPolicy(of: run))
        let text: String? = try read { db in
            _ = try runState(run, db)
            return try String.fetchOne(db, sql: "SELECT scorecard FROM score WHERE run_id = ? AND policy = ?",
                                       arguments: [run.rawValue, policyJSON])
        }
        guard let text else { return nil }
        do {
            return try Self.jsonDecoder.decode(Scorecard.self, from: Data(text.utf8))
        } catch {
            throw LeaderboardStoreError.unreadableStoredValue(
                path: path, problem: StoredValueProblem(field: "score.scorecard", run: run,
                                                        detail: Self.decodingDetail(error, text: text), rescorable: true),
                others: 0)
        }
    }

    /// JSON with sorted keys, NaN and infinities as strings: equal values give equal text.
    static func canonicalJSON<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static var jsonDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// The value, or nil (stored as NULL) for NaN; infinities are kept.
    static func nanAsNull(_ x: Double) -> Double? { x.isNaN ? nil : x }
}
