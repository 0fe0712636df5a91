import Foundation
import PseudoExperiments
import Scoring

/// How the runner evaluates: parallelism, time limits, the statefulness check, scoring.
public struct EvaluationOptions: Sendable {
    /// Worker threads estimating pseudo-experiments at once (default: the number of cores).
    public var jobs: Int
    /// The run's seed: the order of pseudo-experiments, the statefulness sample and the
    /// fitting randomness derive from it. Recorded with every run.
    public var seed: UInt64
    /// Seconds an estimator may take to fit (start up); longer is a failure of every
    /// pseudo-experiment of the run.
    public var startupTimeLimit: Double
    /// Seconds an estimate of one pseudo-experiment may take; longer is a failure.
    ///
    /// In process, a thread cannot be stopped safely: the runner measures each estimate and
    /// records one over the limit as a failure (keeping the numbers it returned), but waits for
    /// it. An estimator that never returns hangs the run; untrusted code runs out of process,
    /// where the plugin host kills it at the limit.
    public var pseudoExperimentTimeLimit: Double
    /// The fraction of pseudo-experiments the statefulness check estimates again with a fresh
    /// instance (at least one when > 0; 0 turns the check off).
    public var statefulnessFraction: Double
    /// How results are scored when a run completes; nil (the default): by the spec of the sets
    /// evaluated (its `score`, `confidence_level` and `mu_prior`, ``ScoringPolicy/init(spec:)``).
    public var policy: ScoringPolicy?
    /// The bootstrap of the stored scorecard (nil: none).
    public var bootstrap: BootstrapOptions?
    /// The part of the pseudo-experiments to evaluate (nil: all). A shard's run holds only its
    /// pseudo-experiments and stays unfinished (`interrupted`) until the shards are merged
    /// (``LeaderboardStore/merge(from:)``) or the other shards have recorded into the same file.
    public var shard: Shard?

    /// The default time limits: 10 minutes to start up, 60 s per pseudo-experiment (a
    /// pseudo-experiment of the full challenge holds ~1 M events; the baselines take well under
    /// a second on one).
    public static let defaultStartupTimeLimit = 600.0
    public static let defaultPseudoExperimentTimeLimit = 60.0
    /// 3% of the pseudo-experiments, at least one: enough to catch an estimator that keeps
    /// state (every re-estimate is a chance to differ) at a few percent of the run's cost.
    public static let defaultStatefulnessFraction = 0.03

    public init(jobs: Int = ProcessInfo.processInfo.activeProcessorCount, seed: UInt64 = 0,
                startupTimeLimit: Double = EvaluationOptions.defaultStartupTimeLimit,
                pseudoExperimentTimeLimit: Double = EvaluationOptions.defaultPseudoExperimentTimeLimit,
                statefulnessFraction: Double = EvaluationOptions.defaultStatefulnessFraction,
                policy: ScoringPolicy? = nil, bootstrap: BootstrapOptions? = BootstrapOptions(),
                shard: Shard? = nil) {
        self.jobs = jobs
        self.seed = seed
        self.startupTimeLimit = startupTimeLimit
        self.pseudoExperimentTimeLimit = pseudoExperimentTimeLimit
        self.statefulnessFraction = statefulnessFraction
        self.policy = policy
        self.bootstrap = bootstrap
        self.shard = shard
    }

    /// The first problem with these options, said so that the user can fix it; nil when valid.
    public var problem: String? {
        if jobs < 1 { return "the number of jobs must be at least 1, got \(jobs)" }
        if !(startupTimeLimit > 0) || !startupTimeLimit.isFinite {
            return "the start-up time limit must be a positive number of seconds, got \(startupTimeLimit)"
        }
        if !(pseudoExperimentTimeLimit > 0) || !pseudoExperimentTimeLimit.isFinite {
            return "the time limit per pseudo-experiment must be a positive number of seconds, got \(pseudoExperimentTimeLimit)"
        }
        if !(0...1).contains(statefulnessFraction) {
            return "the statefulness-check fraction must lie in [0, 1], got \(statefulnessFraction)"
        }
        return nil
    }

    /// The seeds recorded with each run (a resumed run must use the same).
    var recordedSeeds: [String: UInt64] { ["run": seed] }

    /// The seed of the fitting generator (``TrainingContext/rng``): the HMAC of
    /// `[Purpose.training, run seed]` under the set's estimator key. Not
    /// `SeedDerivation.derive(seed, .training)`: a plugin's fit seed is the generator's first
    /// output, from which xoshiro and SplitMix64 give the seed back, and `derive` runs backwards
    /// to the run seed (which `bench run` shares with the sets).
    func trainingSeed(keys: SetKeys) -> UInt64 {
        keys.seed([SeedDerivation.Purpose.training.rawValue, seed])
    }
}
