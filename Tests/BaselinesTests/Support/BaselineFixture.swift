import Foundation
import PseudoExperiments
@testable import Baselines

/// Shared small training and evaluation pools for the baselines' tests (debug-affordable).
enum BaselineFixture {
    /// The challenge whose priors and mu range the tests use.
    static let spec: ChallengeSpec = try! ChallengeSpec.builtin(named: "fair-universe-2024-mini")

    /// A training pool of `rows` rows.
    static func trainingPool(rows: Int = 12_000, seed: UInt64 = 11) -> EventTable {
        SyntheticPool().table(total: rows, seed: seed)
    }

    /// An evaluation pool, disjoint (another seed) and larger than the training pool.
    static func evaluationPool(rows: Int = 40_000, seed: UInt64 = 12) -> EventTable {
        SyntheticPool().table(total: rows, seed: seed)
    }

    static func context(rows: Int = 12_000, seed: UInt64 = 11) -> TrainingContext {
        TrainingContext(spec: spec, pool: trainingPool(rows: rows, seed: seed), rng: SeededGenerator(seed: 99))
    }

    static let study: ToyStudy = try! ToyStudy(spec: spec, evaluationPool: evaluationPool())
}
