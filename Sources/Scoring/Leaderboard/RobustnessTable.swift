import PseudoExperiments

/// The robustness view (`bench leaderboard --robustness`): per submission, its score, coverage
/// and mean width on a nominal challenge and on each of the challenge's variants
/// (``EvaluationShift``), with the change and its paired-bootstrap significance.
///
/// A variant's pseudo-experiments share their true mu and nuisances with the nominal's when both
/// were drawn with the same seed and sets (and, for effects that do not reweight, their rows:
/// `datasets-spec/domain-shift.md`), so the change is measured on pairs: every replicate draws
/// one resample of (set, pseudo-experiment) keys and scores both runs on it, and the noise they
/// share cancels (``PairedBootstrap/differences(_:_:policy:options:confidence:)``). A variant
/// table is shown beside a nominal table only when its pseudo-experiments pair with the
/// nominal's (same keys, same true mu); one drawn otherwise is listed as unpaired.
public struct RobustnessTable: Sendable, Equatable {
    /// The nominal challenge.
    public var challenge: String
    public var setManifestHash: String
    public var pseudoExperiments: Int
    /// The variants shown, in name order, with their effects ("closure" for none).
    public var variants: [Variant]
    /// Variants with completed runs whose pseudo-experiments do not pair with this table's.
    public var unpaired: [String]
    public var rows: [Row]
    public var bootstrap: BootstrapOptions
    public var confidence: Double
    /// The nominal coverage of the scored interval (the spec's confidence level).
    public var target: Double

    public struct Variant: Sendable, Equatable {
        public var challenge: String
        /// `tau_energy_resolution 0.05`, ...; "identity (closure)" when it has no effect.
        public var effects: String
    }

    /// One submission's cell on one variant.
    public struct Cell: Sendable, Equatable {
        public var variant: String
        public var metrics: IntervalMetrics
        /// Variant minus nominal.
        public var change: PairedMetricDifferences
    }

    public struct Row: Sendable, Equatable {
        public var submission: Submission
        public var nominal: IntervalMetrics
        /// One per variant the submission ran on (missing variants are left out).
        public var cells: [Cell]
    }

    /// One table per nominal leaderboard that has at least one paired variant run in `store`.
    public static func tables(from store: LeaderboardStore, challenge: String? = nil,
                              bootstrap: BootstrapOptions = BootstrapOptions(),
                              confidence: Double = 0.95) throws -> [RobustnessTable] {
        let boards = try LeaderboardTable.tables(from: store, bootstrap: BootstrapOptions(replicates: 2, seed: bootstrap.seed),
                                                 confidence: confidence)
        var specs: [String: ChallengeSpec] = [:]
        for name in Set(boards.map(\.challenge)) { specs[name] = try store.challengeSpecDecoded(named: name) }
        // A variant's runs are compared with every nominal table of its challenge: read each run once.
        var read: [RunID: [ScoredResult]] = [:]
        func results(_ run: RunID) throws -> [ScoredResult] {
            if let known = read[run] { return known }
            let fetched = try store.scoredResults(of: run)
            read[run] = fetched
            return fetched
        }
        var out: [RobustnessTable] = []
        for nominal in boards where specs[nominal.challenge]?.evaluationShift == nil {
            if let challenge, challenge != nominal.challenge { continue }
            let variantBoards = boards.filter { specs[$0.challenge]?.evaluationShift?.variantOf == nominal.challenge }
            guard !variantBoards.isEmpty else { continue }
            var nominalResults: [String: (Submission, [ScoredResult])] = [:]
            for row in nominal.rows { nominalResults[row.submission.name] = (row.submission, try results(row.run)) }
            let truth = Self.truths(try nominal.rows.first.map { try results($0.run) } ?? [])

            var variants: [Variant] = [], unpaired: [String] = []
            var cells: [String: [Cell]] = [:]
            for board in variantBoards.sorted(by: { $0.challenge < $1.challenge }) {
                var boardResults: [(String, [ScoredResult])] = []
                for row in board.rows { boardResults.append((row.submission.name, try results(row.run))) }
                guard let first = boardResults.first, Self.truths(first.1) == truth else {
                    unpaired.append(board.challenge)
                    continue
                }
                if variants.contains(where: { $0.challenge == board.challenge }) { continue }
                let shift = specs[board.challenge]?.evaluationShift
                variants.append(Variant(challenge: board.challenge, effects: Self.describe(shift)))
                for (name, results) in boardResults {
                    guard let base = nominalResults[name] else { continue }
                    let change = try PairedBootstrap.differences(results, base.1, policy: nominal.policy,
                                                                 options: bootstrap, confidence: confidence)
                    let metrics = IntervalMetrics(outcomes: results.map { nominal.policy.outcome(of: $0) },
                                                  parameters: nominal.policy.parameters)
                    cells[name, default: []].append(Cell(variant: board.challenge, metrics: metrics, change: change))
                }
            }
            guard !variants.isEmpty else { continue }
            let rows = nominal.rows.map { row in
                Row(submission: row.submission, nominal: row.metrics, cells: cells[row.submission.name] ?? [])
            }
            out.append(RobustnessTable(challenge: nominal.challenge, setManifestHash: nominal.setManifestHash,
                                       pseudoExperiments: nominal.pseudoExperiments, variants: variants,
                                       unpaired: unpaired.filter { u in !variants.contains { $0.challenge == u } },
                                       rows: rows, bootstrap: bootstrap, confidence: confidence,
                                       target: nominal.policy.parameters.target))
        }
        return out
    }

    /// The (key, true mu) pairs of a run: two runs pair when theirs are equal.
    static func truths(_ results: [ScoredResult]) -> [PseudoExperimentKey: Double] {
        Dictionary(results.map { ($0.key, $0.truth.mu) }, uniquingKeysWith: { a, _ in a })
    }

    static func describe(_ shift: EvaluationShift?) -> String {
        guard let shift, !shift.isIdentity else { return "identity (closure)" }
        return shift.effects.map { "\($0.kind.rawValue) \(LeaderboardTable.shortNumber($0.size))" }.joined(separator: ", ")
    }

    /// The variant's name without its nominal's prefix (`tau-resolution`).
    public func shortName(_ variant: String) -> String {
        variant.hasPrefix(challenge + "-") ? String(variant.dropFirst(challenge.count + 1)) : variant
    }

    /// The view as a text table: a line per submission and variant, the nominal first.
    public func rendered() -> String {
        var text = "Robustness of \(challenge) (set manifest \(setManifestHash.prefix(16)), \(pseudoExperiments) pseudo-experiments): "
            + "each variant against the nominal on paired pseudo-experiments\n"
        let header = ["Submission", "Variant", "Score", "Δ score", "Coverage", "Δ coverage", "Width", "Δ width"]
        var lines: [[String]] = []
        func change(_ d: PairedScoreDifference, _ format: String) -> String {
            String(format: "%+\(format) ± %\(format)", d.observed, d.standardError) + (d.isSignificant ? " *" : "  ")
        }
        func coverage(_ m: IntervalMetrics) -> String {
            let band = BinomialCoverage(n: m.n, covered: m.covered, target: target, bandSigmas: LevelCoverage.bandSigmas)
            return String(format: "%.3f", m.coverage) + (band.status == .inside ? " " : "*")
        }
        for row in rows {
            lines.append([row.submission.name, "nominal", String(format: "%.4f", row.nominal.score), "",
                          coverage(row.nominal), "", String(format: "%.4f", row.nominal.interval), ""])
            for cell in row.cells {
                lines.append(["", shortName(cell.variant), String(format: "%.4f", cell.metrics.score), change(cell.change.score, ".4f"),
                              coverage(cell.metrics), change(cell.change.coverage, ".3f"),
                              String(format: "%.4f", cell.metrics.interval), change(cell.change.width, ".4f")])
            }
        }
        text += LeaderboardTable.grid(header: header, lines: lines)
        text += "Variants: " + variants.map { "\(shortName($0.challenge)) = \($0.effects)" }.joined(separator: "; ") + ".\n"
        text += "Δ: variant minus nominal ± its paired-bootstrap standard error (\(bootstrap.replicates) replicates, seed \(bootstrap.seed)); "
            + "* = significant (the \(LeaderboardTable.percent(confidence)) interval of the change excludes 0).\n"
        text += "Coverage *: outside \(LeaderboardTable.shortNumber(target)) +- \(LeaderboardTable.shortNumber(LevelCoverage.bandSigmas)) sigma "
            + "(binomial, N = \(pseudoExperiments)).\n"
        if !unpaired.isEmpty {
            text += "Not paired with these pseudo-experiments (other seed or sets; run the variant with the nominal's --seed and sizes): "
                + unpaired.joined(separator: ", ") + ".\n"
        }
        return text
    }
}
