import PseudoExperiments
import Scoring

/// What one evaluation did: per contestant its run, what was recorded, flags and score.
public struct EvaluationReport: Sendable {
    /// The challenge and set manifest evaluated on.
    public var challenge: String
    public var setManifestHash: String
    /// The pseudo-experiments evaluated: the set manifest's, or the shard's.
    public var pseudoExperiments: Int
    public var contestants: [ContestantReport]
    /// True when the evaluation stopped early on request; the runs are marked interrupted and
    /// the next evaluation resumes them.
    public var interrupted: Bool
    /// Where the time went.
    public var timings: RunnerTimings
    /// The shard evaluated (``pseudoExperiments`` then counts the shard's), nil for all.
    public var shard: Shard? = nil
}

/// One contestant's part of an ``EvaluationReport``.
public struct ContestantReport: Sendable {
    public var submission: Submission
    public var run: RunID
    /// Whether an unfinished run was picked up.
    public var resumed: Bool
    /// The run's status at the end: completed, or interrupted.
    public var status: RunStatus
    /// Results already in the run when this evaluation started.
    public var alreadyRecorded: Int
    /// Results recorded by this evaluation.
    public var recorded: Int
    /// Results of pseudo-experiments this evaluation had pending that another process, sharing
    /// the run, recorded first (the stored result stands).
    public var recordedByOthers: Int = 0
    /// Other processes recording into the run when this evaluation joined it.
    public var peersAtStart: Int = 0
    /// How many of those are failures (a thrown error, NaN, swapped bounds, over time, or a
    /// failed start-up).
    public var failures: Int
    /// Seconds the fit took (nil when no fit was needed; 0 when taken from the cache).
    public var fitSeconds: Double?
    /// Why the start-up failed, if it did (every pseudo-experiment is then a failure).
    public var fitFailure: String?
    /// Whether the start-up loaded a saved fit (``SavedFit``) instead of fitting.
    public var loadedSavedFit = false
    /// Pseudo-experiments estimated again by a fresh instance for the statefulness check.
    public var statefulnessChecked: Int
    /// The run's flags at the end.
    public var flags: [RunFlag]
    /// The stored scorecard of a completed run.
    public var scorecard: Scorecard?
}

/// Seconds spent by the runner's workers, summed over workers.
///
/// The harness's own cost per pseudo-experiment, beyond generating it and estimating it, is
/// ```
/// overhead = (busy - generation - estimators) / generated
/// ```
/// with `busy` the time the workers held a pseudo-experiment: seeding, judging, recording
/// each result in the store (one committed transaction each) and progress.
public struct RunnerTimings: Sendable, Equatable {
    /// Pseudo-experiments generated (each once, for every contestant).
    public var generated = 0
    /// Estimate calls made.
    public var estimates = 0
    /// Seconds generating views.
    public var generationSeconds = 0.0
    /// Seconds inside estimate calls.
    public var estimatorSeconds = 0.0
    /// Seconds recording results in the store.
    public var recordingSeconds = 0.0
    /// Seconds the workers held a pseudo-experiment, from taking it to its last record.
    public var busySeconds = 0.0
    /// Wall-clock seconds of the estimating phase.
    public var wallSeconds = 0.0

    /// The harness's own seconds per pseudo-experiment (NaN when none was generated).
    public var overheadSecondsPerPseudoExperiment: Double {
        generated > 0 ? max(0, busySeconds - generationSeconds - estimatorSeconds) / Double(generated) : .nan
    }

    mutating func add(_ other: RunnerTimings) {
        generated += other.generated
        estimates += other.estimates
        generationSeconds += other.generationSeconds
        estimatorSeconds += other.estimatorSeconds
        recordingSeconds += other.recordingSeconds
        busySeconds += other.busySeconds
    }
}
