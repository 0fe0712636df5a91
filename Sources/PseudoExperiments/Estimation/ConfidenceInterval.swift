/// A two-sided interval `[lower, upper]` on the signal strength mu.
///
/// A plain value: nothing checks that `lower <= upper` or that the ends are finite, because an
/// estimator may report exactly such an interval and the scorer's policy decides what it is worth
/// (a swapped interval counts its absolute width and never covers; a non-finite end is a failure).
public struct ConfidenceInterval: Codable, Sendable, Equatable, Hashable {
    /// The lower end (the 16th percentile for a 68% interval).
    public var lower: Double
    /// The upper end (the 84th percentile for a 68% interval).
    public var upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// `|upper - lower|`: the width the challenge counts, also for a swapped interval.
    public var width: Double { abs(upper - lower) }

    /// Whether `lower > upper`.
    public var isSwapped: Bool { lower > upper }

    /// Whether both ends are finite numbers (neither NaN nor infinite).
    public var isFinite: Bool { lower.isFinite && upper.isFinite }

    /// Whether `lower <= value <= upper` (both ends inclusive; never true for a swapped interval).
    public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }
}
