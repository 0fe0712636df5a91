import Foundation
import GRDB
import PseudoExperiments

/// Stored values that SQLite accepts but the harness cannot read back: a scorecard or a policy
/// that is not the JSON of one, a run's seeds that are not a JSON object of seeds.
///
/// SQLite's own checks (``LeaderboardStore/integrityProblems()``) cannot see these: the text is
/// well-formed SQLite. A command that would write finds them first
/// (``LeaderboardStore/requireReadableStoredValues()``), so that a database holding one is
/// refused before anything is written to it, instead of failing after a new run was committed.
public struct StoredValueProblem: Sendable, Equatable, CustomStringConvertible {
    /// The table and column, e.g. `score.scorecard`.
    public var field: String
    /// The run the row belongs to.
    public var run: RunID
    /// Why it does not read back (bounded, see ``TerminalText/quoted(_:limit:)``).
    public var detail: String
    /// Whether `bench store rescore` recomputes it from the run's stored results.
    public var rescorable: Bool

    public var description: String { "\(field) of run \(run) does not read back: \(detail)" }
}

extension LeaderboardStore {
    /// Every stored value of the database that does not decode: scorecards and their policies,
    /// run seeds. Empty for a sound database. Reads the whole score table (a few kB a run).
    public func unreadableStoredValues() throws -> [StoredValueProblem] {
        try read { db in
            var problems: [StoredValueProblem] = []
            let scores = try Row.fetchCursor(db, sql: "SELECT run_id, policy, scorecard FROM score ORDER BY run_id, id")
            while let row = try scores.next() {
                let run = RunID(row[0])
                let policy: String = row[1], card: String = row[2]
                do { _ = try Self.jsonDecoder.decode(ScoringPolicy.self, from: Data(policy.utf8)) } catch {
                    problems.append(StoredValueProblem(field: "score.policy", run: run,
                                                       detail: Self.decodingDetail(error, text: policy), rescorable: true))
                    continue
                }
                do { _ = try Self.jsonDecoder.decode(Scorecard.self, from: Data(card.utf8)) } catch {
                    problems.append(StoredValueProblem(field: "score.scorecard", run: run,
                                                       detail: Self.decodingDetail(error, text: card), rescorable: true))
                }
            }
            let runs = try Row.fetchCursor(db, sql: "SELECT id, seeds FROM run ORDER BY id")
            while let row = try runs.next() {
                let seeds: String = row[1]
                do { _ = try Self.decodeSeeds(seeds, run: RunID(row[0])) } catch {
                    problems.append(StoredValueProblem(field: "run.seeds", run: RunID(row[0]),
                                                       detail: Self.decodingDetail(error, text: seeds), rescorable: false))
                }
            }
            return problems
        }
    }

    /// Throws ``LeaderboardStoreError/unreadableStoredValue(path:problem:others:)`` for the first
    /// stored value that does not decode; commands that write call it before their first write.
    public func requireReadableStoredValues() throws {
        let problems = try unreadableStoredValues()
        if let first = problems.first {
            throw LeaderboardStoreError.unreadableStoredValue(path: path, problem: first, others: problems.count - 1)
        }
    }

    /// Recomputes the stored scores of a completed run from its stored results and truths:
    /// every policy it was scored under whose policy text still decodes, with the bootstrap
    /// recorded beside it, and the default policy in place of those whose policy does not.
    /// Returns the scorecards written.
    ///
    /// - Throws: ``LeaderboardStoreError/runNotCompleted(path:run:status:)`` for a run that is not
    ///   completed.
    @discardableResult
    public func rescoreRun(_ run: RunID) throws -> [Scorecard] {
        let stored: [(policy: ScoringPolicy?, bootstrap: BootstrapOptions?)] = try read { db in
            _ = try runState(run, db)
            return try Row.fetchAll(db, sql: """
                SELECT policy, bootstrap_replicates, bootstrap_seed FROM score WHERE run_id = ? ORDER BY id
                """, arguments: [run.rawValue]).map { row in
                let replicates: Int = row[1], seedText: String = row[2]
                let policy = try? Self.jsonDecoder.decode(ScoringPolicy.self, from: Data((row[0] as String).utf8))
                let bootstrap = replicates > 0 ? BootstrapOptions(replicates: replicates, seed: UInt64(seedText) ?? 0) : nil
                return (policy, bootstrap)
            }
        }
        var plans: [(ScoringPolicy, BootstrapOptions?)] = []
        for entry in stored {
            let policy = try entry.policy ?? scoringPolicy(of: run)
            if !plans.contains(where: { $0.0 == policy }) { plans.append((policy, entry.bootstrap)) }
        }
        if plans.isEmpty { plans = [(try scoringPolicy(of: run), BootstrapOptions())] }
        // Rows whose policy text does not decode cannot be replaced by policy; they go first.
        try write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, policy FROM score WHERE run_id = ?", arguments: [run.rawValue])
            for row in rows {
                let text: String = row[1]
                if (try? Self.jsonDecoder.decode(ScoringPolicy.self, from: Data(text.utf8))) == nil {
                    try db.execute(sql: "DELETE FROM score_breakdown WHERE score_id = ?; DELETE FROM score WHERE id = ?",
                                   arguments: [row[0] as Int64, row[0] as Int64])
                }
            }
        }
        return try plans.map { try scoreRun(run, policy: $0.0, bootstrap: $0.1) }
    }

    /// A decoding error in a few hundred characters, with the start of the text that failed.
    static func decodingDetail(_ error: Error, text: String) -> String {
        let reason: String
        switch error {
        case let DecodingError.dataCorrupted(context): reason = context.debugDescription
        case let DecodingError.keyNotFound(key, _): reason = "no field '\(key.stringValue)'"
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            reason = "\(path.isEmpty ? "the value" : "field '\(path)'"): \(context.debugDescription)"
        default: reason = "\(error)"
        }
        return TerminalText.quoted(reason, limit: 200) + "; the text begins " + TerminalText.quoted(text, limit: 80)
    }
}
