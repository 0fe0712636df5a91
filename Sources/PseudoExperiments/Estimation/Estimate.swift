/// What an estimator reports for one pseudo-experiment: an interval on mu, and optionally a point
/// estimate, its uncertainty and a 95% interval.
///
/// The FAIR Universe challenge asks for `p16` and `p84` (the 68.27% central interval, scored) and
/// records `mu_hat` and `delta_mu_hat` (used only for its RMSE and MAE diagnostics). Here:
/// ```
/// interval68  = [p16, p84]          required; the challenge's score uses only this
/// muHat       = mu_hat              optional point estimate
/// uncertainty = delta_mu_hat        optional one-standard-deviation uncertainty of muHat
///                                   (the challenge's baselines report p16 = mu_hat - delta_mu_hat)
/// interval95  = [p2.5, p97.5]       optional 95% interval, for a coverage check at 95%
/// ```
/// Values are stored as reported, NaN and infinities included: judging them is the scorer's job.
/// JSON keys are `interval68`, `mu_hat`, `uncertainty`, `interval95` (intervals as
/// `{"lower": .., "upper": ..}`).
public struct Estimate: Codable, Sendable, Equatable {
    /// The 68.27% central interval `[p16, p84]`.
    public var interval68: ConfidenceInterval
    /// The point estimate of mu, if the estimator reports one.
    public var muHat: Double?
    /// The one-standard-deviation uncertainty of `muHat`, if reported.
    public var uncertainty: Double?
    /// The 95% central interval, if reported.
    public var interval95: ConfidenceInterval?

    public init(interval68: ConfidenceInterval, muHat: Double? = nil, uncertainty: Double? = nil,
                interval95: ConfidenceInterval? = nil) {
        self.interval68 = interval68
        self.muHat = muHat
        self.uncertainty = uncertainty
        self.interval95 = interval95
    }

    /// An estimate with only the scored interval `[p16, p84]`.
    public init(p16: Double, p84: Double) {
        self.init(interval68: ConfidenceInterval(lower: p16, upper: p84))
    }

    enum CodingKeys: String, CodingKey {
        case interval68
        case muHat = "mu_hat"
        case uncertainty
        case interval95
    }
}
