/// A coverage count with its binomial band: is this coverage compatible with the target?
///
/// ```
/// coverage = covered / n
/// sigma    = sqrt(target (1 - target) / n)
/// band     = [target - k sigma, target + k sigma]        k = bandSigmas (2, as the score's)
/// ```
/// The band is the one the challenge's score leaves unpenalised, applied to each subset with its
/// own n: a small bin gets a wide band, so only a real failure to cover stands out.
public struct BinomialCoverage: Codable, Sendable, Equatable {
    /// The number of intervals.
    public var n: Int
    /// How many cover the true mu.
    public var covered: Int
    /// The nominal coverage (0.6827 for the 68% interval, 0.95 for the 95% one).
    public var target: Double
    /// The half-width of the band in units of sigma.
    public var bandSigmas: Double

    public init(n: Int, covered: Int, target: Double, bandSigmas: Double = 2) {
        self.n = n
        self.covered = covered
        self.target = target
        self.bandSigmas = bandSigmas
    }

    /// Where a coverage lies against its band.
    public enum Status: String, Codable, Sendable {
        case below, inside, above
    }

    /// covered / n (NaN when n = 0).
    public var coverage: Double { n > 0 ? Double(covered) / Double(n) : .nan }

    /// The binomial standard deviation at the target (infinite when n = 0).
    public var sigma: Double { n > 0 ? (target * (1 - target) / Double(n)).squareRoot() : .infinity }

    /// The lower edge of the band.
    public var bandLower: Double { target - bandSigmas * sigma }

    /// The upper edge of the band.
    public var bandUpper: Double { target + bandSigmas * sigma }

    /// Whether the coverage is below, inside or above its band (inside when n = 0).
    public var status: Status {
        guard n > 0 else { return .inside }
        if coverage < bandLower { return .below }
        if coverage > bandUpper { return .above }
        return .inside
    }
}
