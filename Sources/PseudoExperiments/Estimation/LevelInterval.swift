/// A central confidence interval at a stated confidence level, beside an estimate's primary one.
///
/// ```
/// level     in (0, 1)          e.g. 0.5, 0.9, 0.95: the fraction of pseudo-experiments whose
///                              true mu the interval should cover
/// interval  [lower, upper]     as reported (NaN and infinities kept: the scorer judges them)
/// ```
public struct LevelInterval: Codable, Sendable, Equatable, Hashable {
    /// The nominal coverage of the interval.
    public var level: Double
    /// The interval.
    public var interval: ConfidenceInterval

    public init(level: Double, interval: ConfidenceInterval) {
        self.level = level
        self.interval = interval
    }

    public init(level: Double, lower: Double, upper: Double) {
        self.init(level: level, interval: ConfidenceInterval(lower: lower, upper: upper))
    }
}

/// The confidence levels the harness's calibration checks are about, in one documented place.
///
/// The challenge scores one interval at its spec's `confidence_level` (68.27%); an estimator may
/// report intervals at further levels (``Estimate/levels``), and the built-in likelihood
/// baselines report those of ``reported``:
/// ```
/// reported = 0.5, 0.6827, 0.9, 0.95
/// ```
/// 50% and 90% bracket the scored level on either side, 95% is the physicist's usual limit; a
/// method that covers at 68% but not at 95% (tails too light) or at 50% (core too wide) shows in
/// the calibration curve (observed against nominal coverage). Levels are compared exactly: an
/// estimator reports 0.95, not 0.9500001.
public enum ConfidenceLevels {
    /// The levels the built-in likelihood baselines report, ascending (the scored one included).
    public static let reported: [Double] = [0.5, 0.6827, 0.9, 0.95]

    /// The most further levels one estimate may carry (a plugin sending more is refused).
    public static let maximumFurther = 16

    /// `reported` without the scored level `primary` (the levels an estimate carries beside
    /// its primary interval).
    public static func further(than primary: Double) -> [Double] {
        reported.filter { $0 != primary }
    }

    /// The first problem with further intervals beside a primary one at `primary`, said with
    /// the field `name` (e.g. `intervals`) and index; nil when they are valid:
    /// ```
    /// level        finite, 0 < level < 1, not the primary level, each level once
    /// lower, upper finite, lower <= upper
    /// count        at most maximumFurther
    /// ```
    public static func problem(with levels: [LevelInterval], primary: Double, field name: String) -> String? {
        if levels.count > maximumFurther {
            return "\(name) holds \(levels.count) intervals, more than the \(maximumFurther) allowed"
        }
        var seen: Set<Double> = []
        for (k, l) in levels.enumerated() {
            let at = "\(name)[\(k)]"
            guard l.level.isFinite, l.level > 0, l.level < 1 else {
                return "\(at).level is \(l.level), not a confidence level strictly between 0 and 1"
            }
            guard l.level != primary else {
                return "\(at).level is \(l.level), the primary level: that interval is p16 and p84, give it there only"
            }
            guard seen.insert(l.level).inserted else { return "\(at).level \(l.level) is given twice" }
            guard l.interval.lower.isFinite else { return "\(at).lower is \(l.interval.lower)" }
            guard l.interval.upper.isFinite else { return "\(at).upper is \(l.interval.upper)" }
            guard l.interval.lower <= l.interval.upper else {
                return "\(at): swapped bounds, lower = \(l.interval.lower) > upper = \(l.interval.upper)"
            }
        }
        return nil
    }
}
