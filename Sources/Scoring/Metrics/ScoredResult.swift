import PseudoExperiments

/// One pseudo-experiment's truth next to what the estimator reported for it: the record every
/// metric, the leaderboard store and the report take as input.
///
/// `estimate` is nil when the estimator returned nothing; `failure` carries the reason when the
/// run recorded one (a crash, a timeout, an error message). Either makes the result a failure
/// under ``ScoringPolicy``; so does an estimate whose 68% interval is NaN or infinite.
public struct ScoredResult: Codable, Sendable, Equatable {
    public var truth: PseudoExperimentTruth
    public var estimate: Estimate?
    public var failure: String?

    public init(truth: PseudoExperimentTruth, estimate: Estimate?, failure: String? = nil) {
        self.truth = truth
        self.estimate = estimate
        self.failure = failure
    }

    public var key: PseudoExperimentKey { truth.key }
}
