import PseudoExperiments
import Scoring

/// The generator each estimate call gets: seeded by a keyed one-way hash of the
/// pseudo-experiment's identity under a harness secret.
///
/// ```
/// key      = SetKeys.estimatorKey (open sets: SeedDerivation.sealedKey(root: their public seed);
///            sealed sets: an HMAC of the 256-bit secret that only the truth file holds)
/// seed     = SeedDerivation.sealedSeed(key, [Purpose.estimator, set, pseudo-experiment])
/// rng      = SeededGenerator(seed: seed)
/// ```
/// Why not `SeedDerivation.derive(root, .estimator, set, pe)`: `derive` is a chain of bijective
/// SplitMix64 steps, and a `SeededGenerator`'s outputs give its seed back, so an estimator
/// could walk from its generator to the root seed and from there to every true mu and nuisance
/// value. The HMAC cannot be walked back, and its key never leaves the harness. The seed is
/// still a function of (set keys, set, pseudo-experiment) only: every contestant, every rerun
/// and the statefulness check's fresh instance get the same stream for the same
/// pseudo-experiment, so results reproduce.
public struct EstimatorSeeds: Sendable {
    private let key: [UInt8]

    /// The seeds below an open set's root seed.
    public init(rootSeed: UInt64) {
        key = SeedDerivation.sealedKey(root: rootSeed)
    }

    /// The seeds under a set's keys (open or sealed).
    public init(keys: SetKeys) {
        key = keys.estimatorKey
    }

    /// The generator for the estimate of `pseudoExperiment`.
    public func generator(for pseudoExperiment: PseudoExperimentKey) -> SeededGenerator {
        SeedDerivation.sealedGenerator(key: key, .estimator, pseudoExperiment.setIndex, pseudoExperiment.index)
    }
}
