import Foundation
import GRDB
import PseudoExperiments

/// The scoring policy of a stored run: that of the challenge spec stored with the run's
/// challenge (the spec its pseudo-experiments were drawn from, registered once per name and
/// never changed: a changed spec needs a new name). So a leaderboard, a report or a rescore
/// scores each run by its own spec, whatever the defaults of the build reading the file.
extension LeaderboardStore {
    /// The policy of the spec of `challenge`.
    ///
    /// - Throws: ``LeaderboardStoreError/unknownChallenge(path:name:known:)``;
    ///   ``LeaderboardStoreError/unreadableChallengeSpec(path:name:detail:)`` when the stored
    ///   spec is not a valid challenge spec.
    public func scoringPolicy(challenge: String) throws -> ScoringPolicy {
        ScoringPolicy(spec: try challengeSpecDecoded(named: challenge))
    }

    /// The policy of the spec of the run's challenge.
    public func scoringPolicy(of run: RunID) throws -> ScoringPolicy {
        try scoringPolicy(challenge: runManifest(run).challenge)
    }

    /// The stored spec of `challenge`, decoded and validated.
    public func challengeSpecDecoded(named challenge: String) throws -> ChallengeSpec {
        let text = try challengeSpec(named: challenge)
        do {
            return try ChallengeSpec.decode(Data(text.utf8), source: "\(path): challenge '\(challenge)'")
        } catch {
            throw LeaderboardStoreError.unreadableChallengeSpec(path: path, name: challenge, detail: "\(error)")
        }
    }
}
