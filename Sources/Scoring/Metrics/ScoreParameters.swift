/// The constants of the challenge's penalised interval score, in one documented place.
///
/// The FAIR Universe HiggsML Uncertainty Challenge (NeurIPS 2024) scores N intervals
/// `[p16_i, p84_i]` against true values `mu_i` by
/// ```
/// w       = (1/N) sum_i |p84_i - p16_i|                    mean width
/// c       = (1/N) #{ i : p16_i <= mu_i <= p84_i }          coverage (both ends inclusive)
/// sigma68 = sqrt(target (1 - target) / N)
/// lower   = target - bandSigmas sigma68,  upper = target + bandSigmas sigma68
/// f(c)    = 1                                   if lower <= c <= upper
///         = 1 + (|c - lower| / sigma68)^4       if c < lower      (under-coverage, steeper)
///         = 1 + (|c - upper| / sigma68)^3       if c > upper      (over-coverage)
/// score   = -ln((w + epsilon) f(c))
/// ```
/// Higher is better. The defaults are the challenge's: target 0.6827, band 2 sigma68,
/// epsilon 1e-3, exponents 4 (below) and 3 (above).
public struct ScoreParameters: Codable, Equatable, Sendable {
    /// The nominal coverage of the interval (68.27%).
    public var target: Double
    /// Half-width of the no-penalty band in units of sigma68.
    public var bandSigmas: Double
    /// Added to the mean width so that a zero width is finite.
    public var epsilon: Double
    /// Exponent of the penalty below the band.
    public var underExponent: Double
    /// Exponent of the penalty above the band.
    public var overExponent: Double

    public init(target: Double = 0.6827, bandSigmas: Double = 2, epsilon: Double = 1e-3,
                underExponent: Double = 4, overExponent: Double = 3) {
        self.target = target
        self.bandSigmas = bandSigmas
        self.epsilon = epsilon
        self.underExponent = underExponent
        self.overExponent = overExponent
    }

    /// The FAIR Universe 2024 challenge's parameters.
    public static let fairUniverse2024 = ScoreParameters()

    /// The binomial standard deviation of the coverage of N intervals at the target.
    public func sigma68(n: Int) -> Double {
        precondition(n > 0, "sigma68 needs at least one interval, got n = \(n)")
        return (target * (1 - target) / Double(n)).squareRoot()
    }

    /// The coverage penalty factor f(c) for N intervals (1 inside the band, > 1 outside).
    public func coveragePenalty(coverage c: Double, n: Int) -> Double {
        let s = sigma68(n: n)
        let lower = target - bandSigmas * s
        let upper = target + bandSigmas * s
        if c < lower { return 1 + pow(abs(c - lower) / s, underExponent) }
        if c > upper { return 1 + pow(abs(c - upper) / s, overExponent) }
        return 1
    }

    /// The penalised score of N intervals with mean width `w` and coverage `c`.
    public func score(meanWidth w: Double, coverage c: Double, n: Int) -> Double {
        -log((w + epsilon) * coveragePenalty(coverage: c, n: n))
    }
}

import Foundation
