/// Whether two submissions' scores differ by more than resampling noise.
///
/// Both submissions must have been run on the same pseudo-experiments (same sets, indices and
/// true mu). Every replicate draws ONE two-stage resample (sets, then pseudo-experiments within
/// each drawn set; see ``BootstrapOptions``, stream 1) and scores both submissions on it, so the
/// noise they share (hard sets, unlucky pseudo-experiments) cancels in the difference:
/// ```
/// d   = score(A) - score(B)                         on all pairs (observed)
/// d_r = score(A on resample r) - score(B on resample r),   r = 1...R
/// se  = sd(d_r);   [lower, upper] = percentiles (1 - c)/2 and (1 + c)/2 of d_r
/// ```
/// The difference is significant at confidence `c` when the percentile interval excludes 0.
/// The leaderboard uses this to say when rank neighbours are not significantly different.
public struct PairedScoreDifference: Codable, Sendable, Equatable {
    /// score(A) - score(B) on all pseudo-experiments (positive: A is better).
    public var observed: Double
    /// The bootstrap standard error of the difference.
    public var standardError: Double
    /// The lower end of the percentile interval of the difference.
    public var lower: Double
    /// The upper end of the percentile interval of the difference.
    public var upper: Double
    /// The confidence level of `[lower, upper]` (e.g. 0.95).
    public var confidence: Double
    /// The fraction of replicates in which A scores higher than B.
    public var fractionFirstBetter: Double
    /// How the replicates were drawn.
    public var options: BootstrapOptions

    public init(observed: Double, standardError: Double, lower: Double, upper: Double,
                confidence: Double, fractionFirstBetter: Double, options: BootstrapOptions) {
        self.observed = observed
        self.standardError = standardError
        self.lower = lower
        self.upper = upper
        self.confidence = confidence
        self.fractionFirstBetter = fractionFirstBetter
        self.options = options
    }

    /// Whether the percentile interval excludes zero.
    public var isSignificant: Bool { lower > 0 || upper < 0 }
}

/// The paired differences of a run's score, coverage and mean width against another run on the
/// same pseudo-experiments (the robustness view: a variant against its nominal).
public struct PairedMetricDifferences: Codable, Sendable, Equatable {
    /// score(A) - score(B).
    public var score: PairedScoreDifference
    /// coverage(A) - coverage(B).
    public var coverage: PairedScoreDifference
    /// mean width(A) - mean width(B).
    public var width: PairedScoreDifference
}

/// The paired bootstrap of the score difference between two submissions.
public enum PairedBootstrap {
    /// The score difference `first - second` and its paired bootstrap interval.
    ///
    /// Throws ``ScoringError`` when either list is empty, holds a pseudo-experiment twice, the
    /// two lists do not hold the same pseudo-experiments, or they disagree on a true mu.
    public static func scoreDifference(_ first: [ScoredResult], _ second: [ScoredResult],
                                       policy: ScoringPolicy = .fairUniverse2024,
                                       options: BootstrapOptions = BootstrapOptions(),
                                       confidence: Double = 0.95) throws -> PairedScoreDifference {
        try differences(first, second, policy: policy, options: options, confidence: confidence).score
    }

    /// The differences `first - second` of score, coverage and mean width, each with its paired
    /// bootstrap interval from the same replicates (the rule of the type's documentation applied
    /// to each metric). Throws as ``scoreDifference(_:_:policy:options:confidence:)``.
    public static func differences(_ first: [ScoredResult], _ second: [ScoredResult],
                                   policy: ScoringPolicy = .fairUniverse2024,
                                   options: BootstrapOptions = BootstrapOptions(),
                                   confidence: Double = 0.95) throws -> PairedMetricDifferences {
        guard options.replicates >= 2 else { throw ScoringError.tooFewReplicates(options.replicates) }
        let (a, sizes) = try first.groupedBySet()
        let (b, _) = try second.groupedBySet()
        try checkPairing(a, b)

        let outA = a.map { policy.outcome(of: $0) }
        let outB = b.map { policy.outcome(of: $0) }
        let p = policy.parameters
        let mA = IntervalMetrics(outcomes: outA, parameters: p), mB = IntervalMetrics(outcomes: outB, parameters: p)

        let wA = outA.map(\.width), cA = outA.map(\.covered)
        let wB = outB.map(\.width), cB = outB.map(\.covered)
        let resampler = TwoStageResampler(sizes: sizes, seed: options.seed, stream: 1)
        var scores: [Double] = [], coverages: [Double] = [], widths: [Double] = []
        scores.reserveCapacity(options.replicates)
        coverages.reserveCapacity(options.replicates)
        widths.reserveCapacity(options.replicates)
        for r in 0..<options.replicates {
            var sumA = 0.0, sumB = 0.0, nA = 0, nB = 0, n = 0
            resampler.resample(r) { i in
                sumA += wA[i]; sumB += wB[i]
                if cA[i] { nA += 1 }
                if cB[i] { nB += 1 }
                n += 1
            }
            let x = IntervalMetrics(widthSum: sumA, covered: nA, n: n, parameters: p)
            let y = IntervalMetrics(widthSum: sumB, covered: nB, n: n, parameters: p)
            scores.append(x.score - y.score)
            coverages.append(x.coverage - y.coverage)
            widths.append(x.interval - y.interval)
        }
        func summary(_ observed: Double, _ diffs: [Double]) -> PairedScoreDifference {
            let sorted = diffs.sorted()
            let alpha = (1 - confidence) / 2
            return PairedScoreDifference(
                observed: observed,
                standardError: SampleStatistics.standardDeviation(diffs),
                lower: SampleStatistics.quantile(sorted: sorted, alpha),
                upper: SampleStatistics.quantile(sorted: sorted, 1 - alpha),
                confidence: confidence,
                fractionFirstBetter: Double(diffs.filter { $0 > 0 }.count) / Double(options.replicates),
                options: options)
        }
        return PairedMetricDifferences(score: summary(mA.score - mB.score, scores),
                                       coverage: summary(mA.coverage - mB.coverage, coverages),
                                       width: summary(mA.interval - mB.interval, widths))
    }

    /// Both sorted lists must hold the same keys with the same true mu.
    static func checkPairing(_ a: [ScoredResult], _ b: [ScoredResult]) throws {
        let keysA = Set(a.map(\.key)), keysB = Set(b.map(\.key))
        if keysA != keysB {
            let onlyA = keysA.subtracting(keysB), onlyB = keysB.subtracting(keysA)
            guard let example = onlyA.min() ?? onlyB.min() else { return }
            throw ScoringError.unpairedResults(onlyInFirst: onlyA.count, onlyInSecond: onlyB.count,
                                               example: example)
        }
        for (x, y) in zip(a, b) where x.truth.mu != y.truth.mu {
            throw ScoringError.truthMismatch(x.key, first: x.truth.mu, second: y.truth.mu)
        }
    }
}
