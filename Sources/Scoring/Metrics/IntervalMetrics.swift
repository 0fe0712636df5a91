/// Mean width, coverage and the challenge's penalised score of N intervals.
///
/// ```
/// interval = (1/N) sum_i width_i
/// coverage = covered / N
/// score    = -ln((interval + epsilon) f(coverage))      see ScoreParameters for f
/// ```
/// with `width_i` and `covered_i` from ``ScoringPolicy`` (failures count the full mu range and
/// never cover). N is the number of intervals scored: a set's size for a per-set score, all
/// pseudo-experiments pooled for the overall score, as in the challenge. Widths are summed with
/// Neumaier's compensated summation, so the mean is correct to about one rounding whatever N
/// (the reference's numpy pairwise sum errs by O(log N) roundings; the two agree far inside 1e-12).
public struct IntervalMetrics: Codable, Sendable, Equatable {
    /// The number of intervals N.
    public var n: Int
    /// How many cover the true mu.
    public var covered: Int
    /// How many are failures (missing, recorded failure, NaN or infinite).
    public var failures: Int
    /// How many are swapped (p16 > p84), scored with their absolute width.
    public var swapped: Int
    /// The mean counted width (the challenge's "interval").
    public var interval: Double
    /// The fraction covered.
    public var coverage: Double
    /// The penalised score (higher is better).
    public var score: Double

    /// The metrics of `outcomes`, which must not be empty.
    public init<C: Collection>(outcomes: C, parameters: ScoreParameters) where C.Element == IntervalOutcome {
        var widthSum = 0.0, compensation = 0.0, covered = 0, failures = 0, swapped = 0
        for o in outcomes {
            // Neumaier: carry the low-order bits lost when adding to the running sum.
            let t = widthSum + o.width
            compensation += abs(widthSum) >= abs(o.width) ? (widthSum - t) + o.width : (o.width - t) + widthSum
            widthSum = t
            if o.covered { covered += 1 }
            if o.isFailure { failures += 1 }
            if o.swapped { swapped += 1 }
        }
        self.init(widthSum: widthSum + compensation, covered: covered, n: outcomes.count, failures: failures,
                  swapped: swapped, parameters: parameters)
    }

    /// The metrics from running totals (as the bootstrap accumulates them); `n` must be positive.
    public init(widthSum: Double, covered: Int, n: Int, failures: Int = 0, swapped: Int = 0,
                parameters: ScoreParameters) {
        precondition(n > 0, "interval metrics need at least one interval, got n = \(n)")
        self.n = n
        self.covered = covered
        self.failures = failures
        self.swapped = swapped
        interval = widthSum / Double(n)
        coverage = Double(covered) / Double(n)
        score = parameters.score(meanWidth: interval, coverage: coverage, n: n)
    }
}
