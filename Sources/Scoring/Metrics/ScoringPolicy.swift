import PseudoExperiments

/// The one policy by which every interval is judged: the challenge's score on finite intervals,
/// and a fixed, documented price for bad estimates.
///
/// On finite intervals the numbers are the challenge's reference scorer's (to 1e-12), edge
/// cases included:
/// ```
/// width_i   = |p84_i - p16_i|               a swapped interval (p16 > p84) counts its
///                                            absolute width, never covers, and is flagged
/// covered_i = p16_i <= mu_i <= p84_i         both ends inclusive; a zero-width interval covers
///                                            only when p16 = p84 = mu
/// ```
/// A missing estimate, a recorded failure, or an interval with a NaN or infinite end is a
/// failure:
/// ```
/// width_i   = muRange.upperBound - muRange.lowerBound      (2.9 for the challenge's 0.1...3)
/// covered_i = false
/// ```
/// so failing on hard cases never pays: a failure costs as much width as the widest useful
/// interval and lowers coverage. (The reference instead lets a NaN turn the whole score into NaN,
/// which ranks nowhere; an estimator that returns +-infinity would there get an infinite width.)
/// Failures are counted in ``IntervalMetrics/failures`` and shown by every output.
public struct ScoringPolicy: Codable, Sendable, Equatable {
    /// The constants of the penalised score.
    public var parameters: ScoreParameters
    /// The range of true mu the challenge draws from; its length is the width a failure counts.
    public var muRange: ClosedRange<Double>

    /// The FAIR Universe 2024 mu range, see datasets-spec: true mu ~ Uniform(0.1, 3) per set.
    public static let fairUniverse2024MuRange: ClosedRange<Double> = 0.1...3

    /// The challenge's score parameters and mu range.
    public static let fairUniverse2024 = ScoringPolicy()

    public init(parameters: ScoreParameters = .fairUniverse2024,
                muRange: ClosedRange<Double> = ScoringPolicy.fairUniverse2024MuRange) {
        self.parameters = parameters
        self.muRange = muRange
    }

    /// The width a failure counts: the length of the mu range.
    public var failureWidth: Double { muRange.upperBound - muRange.lowerBound }

    /// How an interval counts against the true `mu`; nil means no interval was reported.
    public func outcome(mu: Double, interval: ConfidenceInterval?) -> IntervalOutcome {
        guard let interval else { return failed(.missing) }
        guard interval.isFinite else { return failed(.nonFinite) }
        return IntervalOutcome(width: interval.width, covered: interval.contains(mu),
                               swapped: interval.isSwapped)
    }

    /// How a result's 68% interval counts: a recorded failure wins over any estimate.
    public func outcome(of result: ScoredResult) -> IntervalOutcome {
        if let message = result.failure { return failed(.reported(message)) }
        return outcome(mu: result.truth.mu, interval: result.estimate?.interval68)
    }

    /// How a result's 95% interval counts (a failure, or no 95% interval, is not covered).
    public func outcome95(of result: ScoredResult) -> IntervalOutcome {
        outcome(of: result, level: 0.95)
    }

    /// How a result's interval at `level` counts: the primary `[p16, p84]` at the target
    /// level, else the estimate's further interval at `level` (a failure, or no interval at that
    /// level, is not covered).
    public func outcome(of result: ScoredResult, level: Double) -> IntervalOutcome {
        if level == parameters.target { return outcome(of: result) }
        if let message = result.failure { return failed(.reported(message)) }
        return outcome(mu: result.truth.mu, interval: result.estimate?.interval(at: level))
    }

    /// A failure's outcome: the full mu range as width, not covered.
    public func failed(_ reason: IntervalOutcome.Failure) -> IntervalOutcome {
        IntervalOutcome(width: failureWidth, covered: false, swapped: false, failure: reason)
    }
}
