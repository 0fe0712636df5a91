import PseudoExperiments

extension PluginMessage {
    /// The ``Estimate`` of an `estimate` reply, checked:
    /// ```
    /// p16, p84            required, finite, p16 <= p84
    /// mu_hat              optional, finite
    /// delta_mu_hat        optional, finite, >= 0
    /// p2_5, p97_5         optional, both or neither, finite, p2_5 <= p97_5
    /// intervals           version 2, optional: [{"level", "lower", "upper"}], each level
    ///                     finite in (0, 1), once, not primaryLevel (p16 and p84 are that
    ///                     interval), not 0.95 beside p2_5/p97_5; ends finite, lower <= upper
    /// ```
    /// A version-1 plugin's `intervals` is ignored, as every key version 1 does not define.
    /// A reply that breaks one of these is an ``PluginError/invalidEstimate(detail:)`` naming
    /// the field and value: a recorded failure of this pseudo-experiment, not of the plugin (the
    /// worker stays up). The scorer would count a swapped interval's width; a plugin that
    /// reports one has a bug, and the failure says so.
    func checkedEstimate(protocolVersion: Int, primaryLevel: Double) throws -> Estimate {
        func required(_ value: Double?, _ key: String) throws -> Double {
            guard let value else { throw PluginError.invalidEstimate(detail: "the reply has no \"\(key)\"") }
            guard value.isFinite else { throw PluginError.invalidEstimate(detail: "\(key) is \(value)") }
            return value
        }
        func optional(_ value: Double?, _ key: String) throws -> Double? {
            guard let value else { return nil }
            guard value.isFinite else { throw PluginError.invalidEstimate(detail: "\(key) is \(value)") }
            return value
        }
        let p16 = try required(p16, "p16"), p84 = try required(p84, "p84")
        guard p16 <= p84 else {
            throw PluginError.invalidEstimate(detail: "swapped bounds: p16 = \(p16) > p84 = \(p84)")
        }
        let muHat = try optional(muHat, "mu_hat")
        let delta = try optional(deltaMuHat, "delta_mu_hat")
        if let delta, delta < 0 {
            throw PluginError.invalidEstimate(detail: "delta_mu_hat is \(delta), a negative uncertainty")
        }
        var interval95: ConfidenceInterval?
        switch (try optional(p2_5, "p2_5"), try optional(p97_5, "p97_5")) {
        case (nil, nil):
            break
        case let (lower?, upper?):
            guard lower <= upper else {
                throw PluginError.invalidEstimate(detail: "swapped bounds: p2_5 = \(lower) > p97_5 = \(upper)")
            }
            interval95 = ConfidenceInterval(lower: lower, upper: upper)
        default:
            throw PluginError.invalidEstimate(detail: "p2_5 and p97_5 come together; the reply has only one of them")
        }
        var levels: [LevelInterval] = []
        if protocolVersion >= 2, let intervals {
            guard case let .entries(intervals) = intervals else {
                throw PluginError.invalidEstimate(
                    detail: "intervals is not a list of {\"level\", \"lower\", \"upper\"} objects of numbers")
            }
            for (k, entry) in intervals.enumerated() {
                func field(_ value: Double?, _ key: String) throws -> Double {
                    guard let value else {
                        throw PluginError.invalidEstimate(detail: "intervals[\(k)] has no \"\(key)\"")
                    }
                    return value
                }
                levels.append(LevelInterval(level: try field(entry.level, "level"),
                                            lower: try field(entry.lower, "lower"), upper: try field(entry.upper, "upper")))
            }
            if let problem = ConfidenceLevels.problem(with: levels, primary: primaryLevel, field: "intervals") {
                throw PluginError.invalidEstimate(detail: problem)
            }
            if interval95 != nil, levels.contains(where: { $0.level == 0.95 }) {
                throw PluginError.invalidEstimate(detail: "the 95% interval is given twice, as p2_5/p97_5 and in intervals; give it once")
            }
        }
        return Estimate(interval68: ConfidenceInterval(lower: p16, upper: p84), muHat: muHat,
                        uncertainty: delta, interval95: interval95, levels: levels)
    }
}
