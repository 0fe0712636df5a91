/// What an estimator returned for one pseudo-experiment: an estimate with its 68.27% interval,
/// or a failure, and the time it took.
///
/// Numbers may be NaN or infinite (the scorer decides what they are worth); a failure carries
/// the estimator's message instead of numbers.
public struct PseudoExperimentOutcome: Hashable, Sendable {
    /// The estimate or the failure.
    public enum Value: Hashable, Sendable {
        /// The point estimate of mu and the interval [p16, p84].
        case estimate(mu: Double, p16: Double, p84: Double)
        /// The estimator failed; the message says why.
        case failure(String)
    }

    public var key: PseudoExperimentKey
    public var value: Value
    /// Seconds the estimate took (wall clock, >= 0).
    public var runtimeSeconds: Double

    public init(key: PseudoExperimentKey, value: Value, runtimeSeconds: Double) {
        self.key = key
        self.value = value
        self.runtimeSeconds = runtimeSeconds
    }

    /// Whether the estimator failed.
    public var isFailure: Bool {
        if case .failure = value { return true }
        return false
    }

    // Hashable by bit pattern so that NaN results compare equal to themselves.
    public static func == (a: Self, b: Self) -> Bool {
        guard a.key == b.key, a.runtimeSeconds.bitPattern == b.runtimeSeconds.bitPattern else { return false }
        switch (a.value, b.value) {
        case let (.estimate(m1, l1, h1), .estimate(m2, l2, h2)):
            return Self.same(m1, m2) && Self.same(l1, l2) && Self.same(h1, h2)
        case let (.failure(e1), .failure(e2)):
            return e1 == e2
        default:
            return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
        switch value {
        case let .estimate(mu, p16, p84):
            for x in [mu, p16, p84] { hasher.combine(x.isNaN ? Double.nan.bitPattern : x.bitPattern) }
        case let .failure(message):
            hasher.combine(message)
        }
    }

    /// Equal values, with every NaN equal to every NaN (SQLite does not keep NaN payloads).
    private static func same(_ x: Double, _ y: Double) -> Bool { x == y || (x.isNaN && y.isNaN) }
}
