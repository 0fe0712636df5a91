/// Everything the harness reports about one submission's results: the challenge's score per set
/// and overall, point-estimate diagnostics, 95% coverage, coverage breakdowns and bootstrap
/// standard errors. Computed by one function from a list of ``ScoredResult``.
public struct Scorecard: Codable, Sendable, Equatable {
    /// The metrics of one set (N = the set's size).
    public struct SetScore: Codable, Sendable, Equatable {
        public var setIndex: Int
        /// The set's true mu, if all its pseudo-experiments share one (as in the challenge).
        public var mu: Double?
        public var metrics: IntervalMetrics
        public var point: PointMetrics
    }

    /// The policy the numbers were computed under.
    public var policy: ScoringPolicy
    /// All pseudo-experiments pooled (N = all of them): the challenge's overall score.
    public var overall: IntervalMetrics
    /// Per set, in increasing set index.
    public var sets: [SetScore]
    /// Point-estimate diagnostics over all sets.
    public var point: PointMetrics
    /// Coverage of the 95% intervals against 0.95, when any estimate reports one (results
    /// without a finite 95% interval, failures included, count as not covered).
    public var coverage95: BinomialCoverage?
    /// Coverage at every level reported (the primary one included), ascending: the calibration
    /// curve. Nil in scorecards stored before levels were scored.
    public var levels: [LevelCoverage]?
    /// Coverage by true-mu bins.
    public var byTrueMu: CoverageBreakdown
    /// Coverage by quantiles of each nuisance parameter (empty when none are known).
    public var byNuisance: [CoverageBreakdown]
    /// Bootstrap replicates of the pooled metrics, when asked for.
    public var bootstrap: BootstrapDistribution?

    /// The nominal coverage of a 95% interval.
    public static let target95 = 0.95

    /// Scores `results` (any order). Throws ``ScoringError`` on an empty list, a duplicate
    /// pseudo-experiment, or a bad bin or replicate count.
    public init(results: [ScoredResult], policy: ScoringPolicy = .fairUniverse2024,
                bootstrap: BootstrapOptions? = BootstrapOptions(),
                muBins: Int = 6, nuisanceQuantiles: Int = 4) throws {
        let (sorted, sizes) = try results.groupedBySet()
        self.policy = policy
        let p = policy.parameters
        overall = IntervalMetrics(outcomes: sorted.map { policy.outcome(of: $0) }, parameters: p)

        var sets: [SetScore] = []
        var start = 0
        for size in sizes {
            let slice = Array(sorted[start..<(start + size)])
            start += size
            let mus = Set(slice.map(\.truth.mu))
            sets.append(SetScore(
                setIndex: slice[0].truth.setIndex,
                mu: mus.count == 1 ? mus.first : nil,
                metrics: IntervalMetrics(outcomes: slice.map { policy.outcome(of: $0) }, parameters: p),
                point: PointMetrics(results: slice)))
        }
        self.sets = sets
        point = PointMetrics(results: sorted)

        if sorted.contains(where: { $0.estimate?.interval95 != nil }) {
            coverage95 = BinomialCoverage(n: sorted.count,
                                          covered: sorted.filter { policy.outcome95(of: $0).covered }.count,
                                          target: Scorecard.target95, bandSigmas: p.bandSigmas)
        } else {
            coverage95 = nil
        }
        levels = LevelCoverage.all(sorted, policy: policy)
        byTrueMu = try CoverageBreakdown.byTrueMu(sorted, policy: policy, bins: muBins)
        byNuisance = try CoverageBreakdown.byNuisanceQuantiles(sorted, policy: policy,
                                                               quantiles: nuisanceQuantiles)
        if let bootstrap {
            self.bootstrap = try Bootstrap.intervalMetrics(of: sorted, policy: policy, options: bootstrap)
        } else {
            self.bootstrap = nil
        }
    }
}
