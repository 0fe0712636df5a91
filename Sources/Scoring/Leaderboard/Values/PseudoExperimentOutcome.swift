import PseudoExperiments

/// What an estimator returned for one pseudo-experiment, as the runner records it: the
/// estimate (nil when nothing came back), the failure message if there was one, and the time.
///
/// Numbers are kept as reported, NaN and infinities included: ``ScoringPolicy`` decides what
/// they are worth. The truth is not here: the store joins it when scoring
/// (``scored(against:)``), so nothing that handles outcomes can leak it to an estimator.
public struct PseudoExperimentOutcome: Sendable, Equatable {
    public var key: PseudoExperimentKey
    /// The estimate, or nil when the estimator returned none.
    public var estimate: Estimate?
    /// Why the estimator failed (crash, timeout, error message), if it did.
    public var failure: String?
    /// Seconds the estimate took (wall clock, finite and >= 0).
    public var runtimeSeconds: Double

    public init(key: PseudoExperimentKey, estimate: Estimate?, failure: String? = nil, runtimeSeconds: Double) {
        self.key = key
        self.estimate = estimate
        self.failure = failure
        self.runtimeSeconds = runtimeSeconds
    }

    /// The outcome next to its truth, as the metrics take it.
    public func scored(against truth: PseudoExperimentTruth) -> ScoredResult {
        precondition(truth.key == key, "truth of \(truth.key) joined to the outcome of \(key)")
        return ScoredResult(truth: truth, estimate: estimate, failure: failure)
    }

    /// Equal fields, with NaN equal to NaN (SQLite keeps no NaN payloads, so neither does this).
    public static func == (a: Self, b: Self) -> Bool {
        guard a.key == b.key, a.failure == b.failure, a.runtimeSeconds == b.runtimeSeconds else { return false }
        switch (a.estimate, b.estimate) {
        case (nil, nil): return true
        case let (x?, y?):
            return zip(x.storedNumbers, y.storedNumbers).allSatisfy(same)
                && x.levels.map(\.level) == y.levels.map(\.level)
                && zip(x.levels, y.levels).allSatisfy { same($0.interval.lower, $1.interval.lower) && same($0.interval.upper, $1.interval.upper) }
        default: return false
        }
    }

    private static func same(_ x: Double?, _ y: Double?) -> Bool {
        switch (x, y) {
        case (nil, nil): return true
        case let (u?, v?): return u == v || (u.isNaN && v.isNaN)
        default: return false
        }
    }
}

extension Estimate {
    /// The six numbers the store keeps, in column order: mu_hat, uncertainty, p16, p84,
    /// p2_5, p97_5 (nil: not reported).
    var storedNumbers: [Double?] {
        [muHat, uncertainty, interval68.lower, interval68.upper, interval95?.lower, interval95?.upper]
    }

    /// The estimate from its six stored numbers; nil when p16 or p84 is absent.
    init?(storedNumbers n: [Double?]) {
        guard n.count == 6, let p16 = n[2], let p84 = n[3] else { return nil }
        var interval95: ConfidenceInterval?
        if let lower = n[4], let upper = n[5] { interval95 = ConfidenceInterval(lower: lower, upper: upper) }
        self.init(interval68: ConfidenceInterval(lower: p16, upper: p84), muHat: n[0], uncertainty: n[1],
                  interval95: interval95)
    }
}
