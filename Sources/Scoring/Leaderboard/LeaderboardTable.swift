/// A leaderboard: the submissions that ran on one set of pseudo-experiments, best first, each
/// compared with its rank neighbour on the very same pseudo-experiments.
///
/// Rows are ordered by score (higher is better; NaN last). Ranked kinds (entries and baselines)
/// get ranks 1, 2, ...; reference rows (an oracle, a null baseline) sit where their score puts
/// them, without a rank; so do rows whose run carries a disqualifying flag
/// (``RunFlag/excludesFromRanking``: stateful, unsandboxed without the organiser's opt-out),
/// which are also left out of the paired comparisons. Neighbouring ranks are compared by a paired bootstrap of the score
/// difference (``PairedBootstrap``): since both saw the same pseudo-experiments, the noise they
/// share cancels, and a difference whose interval contains 0 is flagged as not significant.
public struct LeaderboardTable: Sendable, Equatable {
    public var challenge: String
    /// The hash of the set manifest all rows ran on.
    public var setManifestHash: String
    /// The number of pseudo-experiments every row was scored on.
    public var pseudoExperiments: Int
    /// Whether the set manifest is sealed (its root seed a secret of the harness) rather than
    /// open (its seed public, so that anyone could recompute the truths). Every run of a table
    /// shares its manifest, so open runs are never ranked together with sealed ones: an open
    /// table is marked as such.
    public var sealed: Bool
    public var rows: [LeaderboardRow]
    /// How score errors and neighbour differences were resampled.
    public var bootstrap: BootstrapOptions
    /// The confidence of the neighbour-difference intervals.
    public var confidence: Double
    /// The policy the rows were scored by (that of the challenge's spec, unless one was given).
    public var policy: ScoringPolicy = .fairUniverse2024

    public init(challenge: String, setManifestHash: String, pseudoExperiments: Int, sealed: Bool = false,
                rows: [LeaderboardRow], bootstrap: BootstrapOptions, confidence: Double) {
        self.challenge = challenge
        self.setManifestHash = setManifestHash
        self.pseudoExperiments = pseudoExperiments
        self.sealed = sealed
        self.rows = rows
        self.bootstrap = bootstrap
        self.confidence = confidence
    }

    /// One table per (challenge, set manifest) with completed runs, from the store.
    ///
    /// A run's stored scorecard under `policy` is used when there is one; otherwise the run is
    /// scored here (nothing is written, so a read-only store works). `policy` nil (the default):
    /// each table is scored by the policy of its challenge's stored spec (its `score`,
    /// `confidence_level` and `mu_prior`), ``LeaderboardStore/scoringPolicy(challenge:)``.
    public static func tables(from store: LeaderboardStore, challenge: String? = nil,
                              policy: ScoringPolicy? = nil,
                              bootstrap: BootstrapOptions = BootstrapOptions(),
                              confidence: Double = 0.95) throws -> [LeaderboardTable] {
        let runs = try store.latestCompletedRuns(challenge: challenge)
        var groups: [[RunManifest]] = []
        for run in runs {
            if let last = groups.last?.last, last.challenge == run.challenge,
               last.setManifestHash == run.setManifestHash {
                groups[groups.count - 1].append(run)
            } else {
                groups.append([run])
            }
        }
        let tables = try groups.map { group in
            try table(of: group, store: store, policy: policy ?? store.scoringPolicy(challenge: group[0].challenge),
                      bootstrap: bootstrap, confidence: confidence)
        }
        // Sealed tables (rankings) first, open ones (practice) after; otherwise in store order.
        return tables.filter(\.sealed) + tables.filter { !$0.sealed }
    }

    private static func table(of runs: [RunManifest], store: LeaderboardStore, policy: ScoringPolicy,
                              bootstrap: BootstrapOptions, confidence: Double) throws -> LeaderboardTable {
        var entries: [(row: LeaderboardRow, results: [ScoredResult])] = try runs.map { run in
            let results = try store.scoredResults(of: run.id)
            let metrics: IntervalMetrics, scoreError: Double
            if let card = try store.scorecard(for: run.id, policy: policy) {
                metrics = card.overall
                scoreError = card.bootstrap?.scoreStandardError ?? .nan
            } else {
                metrics = IntervalMetrics(outcomes: results.map { policy.outcome(of: $0) },
                                          parameters: policy.parameters)
                scoreError = try Bootstrap.intervalMetrics(of: results, policy: policy, options: bootstrap)
                    .scoreStandardError
            }
            let row = LeaderboardRow(rank: nil, submission: run.submission, run: run.id, metrics: metrics,
                                     scoreError: scoreError, runtimeSeconds: try store.runtimeSeconds(of: run.id),
                                     flags: try store.flags(of: run.id),
                                     levels: LevelCoverage.all(results, policy: policy))
            return (row, results)
        }
        entries.sort { a, b in
            let x = a.row.metrics.score, y = b.row.metrics.score
            if x.isNaN != y.isNaN { return y.isNaN }
            if x != y, !x.isNaN { return x > y }
            return a.row.submission.name < b.row.submission.name
        }
        let ranked = entries.indices.filter { entries[$0].row.isRankable }
        for (rank, i) in ranked.enumerated() { entries[i].row.rank = rank + 1 }
        for (i, j) in zip(ranked, ranked.dropFirst()) {
            entries[i].row.versusNext = try PairedBootstrap.scoreDifference(
                entries[i].results, entries[j].results, policy: policy, options: bootstrap, confidence: confidence)
        }
        var made = LeaderboardTable(challenge: runs[0].challenge, setManifestHash: runs[0].setManifestHash,
                                    pseudoExperiments: entries[0].results.count,
                                    sealed: try store.isSealed(setManifestHash: runs[0].setManifestHash),
                                    rows: entries.map(\.row),
                                    bootstrap: bootstrap, confidence: confidence)
        made.policy = policy
        return made
    }
}
