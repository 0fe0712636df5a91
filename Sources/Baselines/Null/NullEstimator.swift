import PseudoExperiments

/// Reference row: ignores the data and reports the central interval of the mu prior at the
/// challenge's confidence level.
///
/// ```
/// tail     = (1 - confidence) / 2
/// interval = [min + tail (max - min), max - tail (max - min)]
/// ```
/// For Uniform(0.1, 3) at 0.6827 that is [0.560, 2.540], width 0.6827 x 2.9 = 1.98, and its
/// coverage over sets whose mu is drawn from the prior is 0.6827 by construction. It is shown
/// on the leaderboard without a rank: an estimator that does not beat it has learnt nothing
/// from the data.
public struct NullEstimator: Estimator {
    public var name: String { "null" }

    public init() {}

    public func fit(_ context: inout TrainingContext) throws -> any FittedEstimator {
        let spec = context.spec
        return Fitted(interval: Self.interval(for: spec),
                      further: ConfidenceLevels.further(than: spec.confidenceLevel).map {
                          LevelInterval(level: $0, interval: Self.interval(for: spec, level: $0))
                      })
    }

    /// The prior's central interval of `spec` at its confidence level.
    public static func interval(for spec: ChallengeSpec) -> ConfidenceInterval {
        interval(for: spec, level: spec.confidenceLevel)
    }

    /// The prior's central interval of `spec` holding `level` of it.
    public static func interval(for spec: ChallengeSpec, level: Double) -> ConfidenceInterval {
        let prior = spec.muPrior
        let tail = 0.5 * (1 - level) * (prior.max - prior.min)
        return ConfidenceInterval(lower: prior.min + tail, upper: prior.max - tail)
    }

    /// The fitted null row: the same intervals for every pseudo-experiment.
    public struct Fitted: FittedEstimator {
        public let interval: ConfidenceInterval
        /// The prior's central intervals at the further levels.
        public var further: [LevelInterval] = []

        public func estimate(_ view: SealedView, using rng: inout SeededGenerator) throws -> Estimate {
            Estimate(interval68: interval, muHat: 0.5 * (interval.lower + interval.upper), levels: further)
        }
    }
}
