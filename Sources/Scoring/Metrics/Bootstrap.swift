/// Bootstrap replicates of the pooled score, coverage and mean width.
///
/// Each replicate resamples sets, then pseudo-experiments within each drawn set (see
/// ``BootstrapOptions``), and recomputes ``IntervalMetrics`` on the pooled resample under the
/// same ``ScoringPolicy`` (failures keep their price). The standard error of a quantity is the
/// sample standard deviation of its replicates:
/// ```
/// se(score) = sqrt( sum_r (score_r - mean(score))^2 / (R - 1) )
/// ```
public struct BootstrapDistribution: Codable, Sendable, Equatable {
    /// How the replicates were drawn.
    public var options: BootstrapOptions
    /// The score of each replicate.
    public var scores: [Double]
    /// The coverage of each replicate.
    public var coverages: [Double]
    /// The mean width of each replicate.
    public var intervals: [Double]

    public init(options: BootstrapOptions, scores: [Double], coverages: [Double], intervals: [Double]) {
        self.options = options
        self.scores = scores
        self.coverages = coverages
        self.intervals = intervals
    }

    /// The bootstrap standard error of the score.
    public var scoreStandardError: Double { SampleStatistics.standardDeviation(scores) }
    /// The bootstrap standard error of the coverage.
    public var coverageStandardError: Double { SampleStatistics.standardDeviation(coverages) }
    /// The bootstrap standard error of the mean width.
    public var intervalStandardError: Double { SampleStatistics.standardDeviation(intervals) }
}

/// The seeded two-stage bootstrap of a submission's pooled metrics.
public enum Bootstrap {
    /// Replicates of the pooled metrics of `results` (any order; sorted by set and index first).
    public static func intervalMetrics(of results: [ScoredResult],
                                       policy: ScoringPolicy = .fairUniverse2024,
                                       options: BootstrapOptions = BootstrapOptions()) throws
        -> BootstrapDistribution {
        guard options.replicates >= 2 else { throw ScoringError.tooFewReplicates(options.replicates) }
        let (sorted, sizes) = try results.groupedBySet()
        let outcomes = sorted.map { policy.outcome(of: $0) }
        let widths = outcomes.map(\.width)
        let covered = outcomes.map(\.covered)
        let resampler = TwoStageResampler(sizes: sizes, seed: options.seed, stream: 0)

        var scores: [Double] = [], coverages: [Double] = [], intervals: [Double] = []
        scores.reserveCapacity(options.replicates)
        coverages.reserveCapacity(options.replicates)
        intervals.reserveCapacity(options.replicates)
        for r in 0..<options.replicates {
            var widthSum = 0.0, nCovered = 0, n = 0
            resampler.resample(r) { i in
                widthSum += widths[i]
                if covered[i] { nCovered += 1 }
                n += 1
            }
            let m = IntervalMetrics(widthSum: widthSum, covered: nCovered, n: n,
                                    parameters: policy.parameters)
            scores.append(m.score)
            coverages.append(m.coverage)
            intervals.append(m.interval)
        }
        return BootstrapDistribution(options: options, scores: scores, coverages: coverages,
                                     intervals: intervals)
    }
}
