/// A profile-likelihood interval of the parameter of interest.
public struct ProfileInterval: Equatable, Sendable {
    /// The best-fit value mu_hat.
    public var bestFit: Double
    /// The lower end (t = threshold, or the parameter's lower bound).
    public var lower: Double
    /// The upper end (t = threshold, or the parameter's upper bound).
    public var upper: Double
    /// Whether the lower end is the parameter's bound because t stayed below the threshold.
    public var lowerAtBound: Bool
    /// Whether the upper end is the parameter's bound because t stayed below the threshold.
    public var upperAtBound: Bool
    /// The threshold of t (1 for 68.27%).
    public var threshold: Double
    /// The number of conditional fits the two root findings took.
    public var conditionalFits: Int

    /// upper - lower.
    public var width: Double { upper - lower }
}
