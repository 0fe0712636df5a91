import Foundation
import PseudoExperiments

/// The scoring policy of a challenge spec: what the spec's `score`, `confidence_level` and
/// `mu_prior` say, and nothing else.
///
/// ```
/// target          = confidence_level                      (0.6827 for fair-universe-2024)
/// bandSigmas      = score.coverage_band_sigmas            (2)
/// epsilon         = score.width_epsilon                   (1e-3)
/// underExponent   = score.under_coverage_exponent         (4)
/// overExponent    = score.over_coverage_exponent          (3)
/// muRange         = mu_prior.min ... mu_prior.max         (0.1 ... 3; a failure's width)
/// ```
/// The spec has been validated when decoded (a probability strictly in (0, 1), positive
/// epsilon and band, an ordered prior), so every spec gives a usable policy. Every run is
/// scored by the policy of the spec it ran on: the runner takes it from the spec of the sets,
/// and the leaderboard and report from the spec stored with the run's challenge.
/// ``ScoringPolicy/fairUniverse2024`` equals the policy of the built-in `fair-universe-2024` spec
/// (a test checks it); it remains the default of library calls that have no spec at hand.
extension ScoreParameters {
    public init(spec: ChallengeSpec) {
        self.init(target: spec.confidenceLevel, bandSigmas: spec.score.coverageBandSigmas,
                  epsilon: spec.score.widthEpsilon, underExponent: spec.score.underCoverageExponent,
                  overExponent: spec.score.overCoverageExponent)
    }
}

extension ScoringPolicy {
    public init(spec: ChallengeSpec) {
        self.init(parameters: ScoreParameters(spec: spec), muRange: spec.muPrior.min...spec.muPrior.max)
    }
}
