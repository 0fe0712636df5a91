import Foundation
import GRDB
import PseudoExperiments

/// What an import did.
public struct ImportSummary: Sendable, Equatable {
    /// The run the results went into.
    public var run: RunID
    /// Whether an unfinished run (e.g. an interrupted import) was continued.
    public var resumed: Bool
    /// Results written now.
    public var recorded: Int
    /// Results skipped because the run already held them, identical.
    public var alreadyRecorded: Int
    /// Pseudo-experiments of the set manifest that still have no result.
    public var missing: Int
    /// Whether the run is now completed (and scored).
    public var completed: Bool
}

/// Importing a submission's results computed elsewhere, resumably.
extension LeaderboardStore {
    /// Records `outcomes` as a run of `submission` on a set manifest, one committed result at a
    /// time, continuing the unfinished run of the same identity if there is one. When every
    /// pseudo-experiment of the manifest then has a result, the run is completed and scored.
    ///
    /// Everything that can be checked is checked before the first write: every key must belong
    /// to the manifest, and a result the unfinished run already holds must be identical (it is
    /// then skipped). An import killed half-way is finished by running it again.
    public func importResults(_ outcomes: [PseudoExperimentOutcome], submission: Submission,
                              setManifestHash: String, seeds: [String: UInt64] = [:],
                              harnessVersion: String = Harness.version,
                              policy: ScoringPolicy? = nil,
                              bootstrap: BootstrapOptions? = BootstrapOptions()) throws -> ImportSummary {
        let manifestKeys = Set(try pseudoExperiments(setManifestHash: setManifestHash))
        let outside = outcomes.map(\.key).filter { !manifestKeys.contains($0) }
        if let example = outside.min() {
            throw LeaderboardStoreError.resultsOutsideManifest(
                path: path, hash: setManifestHash, count: outside.count, example: example)
        }
        var stored: [PseudoExperimentKey: PseudoExperimentOutcome] = [:]
        if let open = try unfinishedRun(submission: submission, setManifestHash: setManifestHash) {
            for outcome in try self.outcomes(of: open) { stored[outcome.key] = outcome }
            if let clash = outcomes.filter({ new in stored[new.key].map { $0 != new } ?? false }).map(\.key).min() {
                throw LeaderboardStoreError.conflictingResult(path: path, run: open.rawValue, key: clash)
            }
        }

        let run = try beginRun(submission: submission, setManifestHash: setManifestHash, seeds: seeds,
                               harnessVersion: harnessVersion)
        let done = try completedPseudoExperiments(run.id)
        var recorded = 0
        for outcome in outcomes where !done.contains(outcome.key) {
            try record(outcome, in: run.id)
            recorded += 1
        }
        let missing = manifestKeys.count - (try completedPseudoExperiments(run.id)).count
        if missing == 0 {
            try finishRun(run.id, status: .completed, worker: run.worker)
            try scoreRun(run.id, policy: policy, bootstrap: bootstrap)
        } else {
            try leave(run.worker)
        }
        return ImportSummary(run: run.id, resumed: run.resumed, recorded: recorded,
                             alreadyRecorded: outcomes.count - recorded, missing: missing, completed: missing == 0)
    }

    /// The running or interrupted run of an identity, if any (read only).
    public func unfinishedRun(submission: Submission, setManifestHash: String) throws -> RunID? {
        try read { db in
            try Int64.fetchOne(db, sql: """
                SELECT r.id FROM run r JOIN submission u ON u.id = r.submission_id
                                       JOIN set_manifest s ON s.id = r.set_manifest_id
                WHERE u.name = ? AND u.code_hash = ? AND s.hash = ? AND r.status IN ('running', 'interrupted')
                """, arguments: [submission.name, submission.codeHash, setManifestHash]).map(RunID.init)
        }
    }
}
