import Evaluation
import Foundation
import PseudoExperiments
import Scoring
import TestSupport

/// A temporary on-disk leaderboard and a small collection of reference-sample sets.
struct RunnerFixture {
    let directory: URL
    let store: LeaderboardStore
    let sets: ReferenceSampleSets

    init(_ label: String, sets: Int = 2, perSet: Int = 3, spec: ChallengeSpec? = nil) throws {
        directory = try ReferenceData.temporaryDirectory("runner-\(label)")
        store = try LeaderboardStore(path: directory.appendingPathComponent("leaderboard.sqlite").path, access: .create)
        self.sets = try ReferenceSampleSets(sets: sets, perSet: perSet, spec: spec)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// Options for tests: two jobs, no bootstrap (scorecards without errors are enough here).
    static func options(seed: UInt64 = 3, jobs: Int = 2, fraction: Double = 0.2,
                        timeLimit: Double = EvaluationOptions.defaultPseudoExperimentTimeLimit) -> EvaluationOptions {
        EvaluationOptions(jobs: jobs, seed: seed, pseudoExperimentTimeLimit: timeLimit, statefulnessFraction: fraction,
                          bootstrap: nil)
    }

    func runner(_ options: EvaluationOptions = RunnerFixture.options(), cache: FittedModelCache = FittedModelCache(),
                progress: ProgressDisplay = .silent) throws -> EvaluationRunner {
        try EvaluationRunner(store: store, source: sets, options: options, cache: cache, progress: progress)
    }

    static func entry(_ estimator: any Estimator, kind: Submission.Kind = .entry) throws -> Contestant {
        try Contestant(estimator, submission: Submission(name: estimator.name, kind: kind, codeHash: "test-\(estimator.name)"))
    }
}

extension Array where Element == PseudoExperimentOutcome {
    /// The outcomes without their run times (which differ between runs).
    var withoutTimes: [PseudoExperimentOutcome] {
        map { PseudoExperimentOutcome(key: $0.key, estimate: $0.estimate, failure: $0.failure, runtimeSeconds: 0) }
    }
}
