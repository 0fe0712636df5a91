/// What an estimator reports for one pseudo-experiment: an interval on mu, and optionally a point
/// estimate, its uncertainty and intervals at further confidence levels.
///
/// The FAIR Universe challenge asks for `p16` and `p84` (the 68.27% central interval, scored) and
/// records `mu_hat` and `delta_mu_hat` (used only for its RMSE and MAE diagnostics). Here:
/// ```
/// interval68  = [p16, p84]          required; the primary interval, at the spec's
///                                   confidence_level (0.6827); the challenge's score uses only it
/// muHat       = mu_hat              optional point estimate
/// uncertainty = delta_mu_hat        optional one-standard-deviation uncertainty of muHat
///                                   (the challenge's baselines report p16 = mu_hat - delta_mu_hat)
/// levels      = [(level, [lo, hi])] optional central intervals at further levels (0.5, 0.9,
///                                   0.95, ...: ConfidenceLevels), ascending by level, each once,
///                                   never the primary level; for the calibration checks
/// interval95  = levels at 0.95      the 95% interval [p2.5, p97.5], if reported
/// ```
/// Values are stored as reported, NaN and infinities included: judging them is the scorer's job.
/// JSON keys are `interval68`, `mu_hat`, `uncertainty`, `levels` (intervals as
/// `{"lower": .., "upper": ..}`); `interval95` of older documents is read into `levels`.
public struct Estimate: Codable, Sendable, Equatable {
    /// The 68.27% central interval `[p16, p84]`.
    public var interval68: ConfidenceInterval
    /// The point estimate of mu, if the estimator reports one.
    public var muHat: Double?
    /// The one-standard-deviation uncertainty of `muHat`, if reported.
    public var uncertainty: Double?
    /// Intervals at further confidence levels, ascending by level (set through the initialiser
    /// or ``setInterval(_:at:)``, which keep the order).
    public private(set) var levels: [LevelInterval]

    public init(interval68: ConfidenceInterval, muHat: Double? = nil, uncertainty: Double? = nil,
                interval95: ConfidenceInterval? = nil, levels: [LevelInterval] = []) {
        self.interval68 = interval68
        self.muHat = muHat
        self.uncertainty = uncertainty
        self.levels = []
        for l in levels { setInterval(l.interval, at: l.level) }
        if let interval95 { setInterval(interval95, at: 0.95) }
    }

    /// An estimate with only the scored interval `[p16, p84]`.
    public init(p16: Double, p84: Double) {
        self.init(interval68: ConfidenceInterval(lower: p16, upper: p84))
    }

    /// The 95% central interval, if reported (the further interval at level 0.95).
    public var interval95: ConfidenceInterval? {
        get { interval(at: 0.95) }
        set { setInterval(newValue, at: 0.95) }
    }

    /// The further interval at `level` (compared exactly), if reported.
    public func interval(at level: Double) -> ConfidenceInterval? {
        levels.first { $0.level == level }?.interval
    }

    /// Sets (nil: removes) the further interval at `level`, keeping `levels` ascending.
    public mutating func setInterval(_ interval: ConfidenceInterval?, at level: Double) {
        levels.removeAll { $0.level == level }
        guard let interval else { return }
        let k = levels.firstIndex { $0.level > level } ?? levels.endIndex
        levels.insert(LevelInterval(level: level, interval: interval), at: k)
    }

    enum CodingKeys: String, CodingKey {
        case interval68
        case muHat = "mu_hat"
        case uncertainty
        case levels
        case interval95
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(interval68: try c.decode(ConfidenceInterval.self, forKey: .interval68),
                  muHat: try c.decodeIfPresent(Double.self, forKey: .muHat),
                  uncertainty: try c.decodeIfPresent(Double.self, forKey: .uncertainty),
                  interval95: try c.decodeIfPresent(ConfidenceInterval.self, forKey: .interval95),
                  levels: try c.decodeIfPresent([LevelInterval].self, forKey: .levels) ?? [])
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(interval68, forKey: .interval68)
        try c.encodeIfPresent(muHat, forKey: .muHat)
        try c.encodeIfPresent(uncertainty, forKey: .uncertainty)
        if !levels.isEmpty { try c.encode(levels, forKey: .levels) }
    }
}
