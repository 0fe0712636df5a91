/// How one 68% interval counts in the score, after ``ScoringPolicy`` has judged it.
public struct IntervalOutcome: Sendable, Equatable {
    /// The width that enters the mean width: `|p84 - p16|`, or the policy's failure width.
    public var width: Double
    /// Whether the interval covers the true mu (`p16 <= mu <= p84`); never for a failure.
    public var covered: Bool
    /// Whether `p16 > p84` (scored with its absolute width, never covers, flagged).
    public var swapped: Bool
    /// Why the estimate failed, or nil for a scored interval.
    public var failure: Failure?

    public init(width: Double, covered: Bool, swapped: Bool = false, failure: Failure? = nil) {
        self.width = width
        self.covered = covered
        self.swapped = swapped
        self.failure = failure
    }

    public var isFailure: Bool { failure != nil }

    /// Why an estimate counts as a failure.
    public enum Failure: Sendable, Equatable, CustomStringConvertible {
        /// The run recorded a failure (crash, timeout, error) with this message.
        case reported(String)
        /// No estimate, or no interval, was reported.
        case missing
        /// An end of the interval is NaN or infinite.
        case nonFinite

        public var description: String {
            switch self {
            case .reported(let message): return "failed: \(message)"
            case .missing: return "no estimate"
            case .nonFinite: return "NaN or infinite interval"
            }
        }
    }
}
