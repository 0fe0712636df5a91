/// One submission's line on a leaderboard: its latest completed run on the table's
/// pseudo-experiments, scored.
public struct LeaderboardRow: Sendable, Equatable {
    /// The rank among ranked submissions (1 = best); nil for a reference row.
    public var rank: Int?
    public var submission: Submission
    /// The run the row shows.
    public var run: RunID
    /// The pooled metrics over all pseudo-experiments of the run.
    public var metrics: IntervalMetrics
    /// The bootstrap standard error of the score (NaN when no bootstrap was drawn).
    public var scoreError: Double
    /// The sum of the per-pseudo-experiment estimate times, in seconds.
    public var runtimeSeconds: Double
    /// The paired bootstrap of this row's score minus the next ranked row's (nil for the last
    /// ranked row and for reference rows).
    public var versusNext: PairedScoreDifference?
    /// Warnings the runner's checks raised on the run (e.g. a stateful estimator).
    public var flags: [RunFlag]
    /// Coverage at every confidence level the run's estimates report (the primary one
    /// included), ascending, with +-3 sigma bands (``LevelCoverage``).
    public var levels: [LevelCoverage]

    public init(rank: Int?, submission: Submission, run: RunID, metrics: IntervalMetrics, scoreError: Double,
                runtimeSeconds: Double, versusNext: PairedScoreDifference? = nil, flags: [RunFlag] = [],
                levels: [LevelCoverage] = []) {
        self.rank = rank
        self.submission = submission
        self.run = run
        self.metrics = metrics
        self.scoreError = scoreError
        self.runtimeSeconds = runtimeSeconds
        self.versusNext = versusNext
        self.flags = flags
        self.levels = levels
    }

    /// The coverage at `level`, if the run reports that level.
    public func coverage(at level: Double) -> LevelCoverage? {
        levels.first { $0.level == level }
    }

    /// Whether the row competes for a rank: a ranked kind whose run has no disqualifying flag.
    public var isRankable: Bool {
        submission.kind.isRanked && !flags.contains(where: \.excludesFromRanking)
    }

    /// The flags that keep the row out of the ranking.
    public var disqualifyingFlags: [RunFlag] { flags.filter(\.excludesFromRanking) }

    /// Whether the difference to the next ranked row is within resampling noise.
    public var tiedWithNext: Bool { versusNext.map { !$0.isSignificant } ?? false }
}
