import PseudoExperiments

/// The coverage of one confidence level's intervals with its binomial band: a point of the
/// calibration curve (observed against nominal coverage).
///
/// ```
/// coverage = #{ i : lower_i(level) <= mu_i <= upper_i(level) } / N
/// band     = level +- k sqrt(level (1 - level) / N)            k = bandSigmas (3)
/// ```
/// N counts every pseudo-experiment: a failure, or a result without an interval at this level,
/// counts as not covered (as the score counts failures), so a level reported by only some
/// estimates cannot look calibrated; `reported` says how many carried one. The band is three
/// sigma, not the score's two: over four levels and several submissions a two-sigma band would
/// flag a calibrated method by chance about one time in six, three sigma about one in a hundred,
/// while still failing an interval 20% too narrow at a few hundred pseudo-experiments.
public struct LevelCoverage: Codable, Sendable, Equatable {
    /// The nominal level.
    public var level: Double
    /// Covered out of N, against the level, with its band.
    public var coverage: BinomialCoverage
    /// How many results carry an interval at this level (failures and absent ones do not).
    public var reported: Int
    /// The mean counted width (failures and absent intervals count the policy's failure width).
    public var meanWidth: Double

    /// The half-width of the calibration band in sigmas.
    public static let bandSigmas = 3.0

    public init(level: Double, coverage: BinomialCoverage, reported: Int, meanWidth: Double) {
        self.level = level
        self.coverage = coverage
        self.reported = reported
        self.meanWidth = meanWidth
    }

    /// The coverage of `results` at `level` under `policy` (the policy's target level is the
    /// primary interval `[p16, p84]`).
    public init(results: [ScoredResult], level: Double, policy: ScoringPolicy,
                bandSigmas: Double = LevelCoverage.bandSigmas) {
        let outcomes = results.map { policy.outcome(of: $0, level: level) }
        let widths = outcomes.reduce(0) { $0 + $1.width }
        self.init(level: level,
                  coverage: BinomialCoverage(n: outcomes.count, covered: outcomes.filter(\.covered).count,
                                             target: level, bandSigmas: bandSigmas),
                  reported: outcomes.filter { !$0.isFailure }.count,
                  meanWidth: outcomes.isEmpty ? .nan : widths / Double(outcomes.count))
    }

    /// The levels of `results`: the policy's target and every further level any estimate
    /// reports, ascending.
    public static func levels(of results: [ScoredResult], policy: ScoringPolicy) -> [Double] {
        var levels: Set<Double> = [policy.parameters.target]
        for r in results { for l in r.estimate?.levels ?? [] { levels.insert(l.level) } }
        return levels.sorted()
    }

    /// The coverage at every level of `results`, ascending.
    public static func all(_ results: [ScoredResult], policy: ScoringPolicy,
                           bandSigmas: Double = LevelCoverage.bandSigmas) -> [LevelCoverage] {
        levels(of: results, policy: policy).map {
            LevelCoverage(results: results, level: $0, policy: policy, bandSigmas: bandSigmas)
        }
    }
}
