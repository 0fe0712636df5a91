/// What an estimator is given to train on: what the challenge gave its participants.
///
/// - the challenge spec, with every nuisance parameter's prior and the mu range;
/// - a training pool of weighted, labelled simulated events (the process of each row and its
///   weight, expected events per row at the challenge's luminosity), disjoint from the pool the
///   evaluation pseudo-experiments are drawn from;
/// - the systematics transform as a function, so that templates can be built at any nuisance
///   values;
/// - a seeded random generator.
public struct TrainingContext: Sendable {
    /// The challenge being played.
    public let spec: ChallengeSpec
    /// The training pool: features, weights and processes (labels) of every row.
    public let pool: EventTable
    /// The training pool prepared once for the transform (angular invariants precomputed).
    public let prepared: PreparedEvents
    /// The generator for all randomness of fitting.
    public var rng: SeededGenerator
    /// Results of expensive training steps shared by the estimators fitted on this context and
    /// its copies (see ``shared(_:_:)``).
    public private(set) var artifacts: TrainingArtifacts

    public init(spec: ChallengeSpec, pool: EventTable, rng: SeededGenerator,
                artifacts: TrainingArtifacts = TrainingArtifacts()) {
        self.spec = spec
        self.pool = pool
        self.prepared = PreparedEvents(pool)
        self.rng = rng
        self.artifacts = artifacts
    }

    /// The result of the training step `step` on this context, computed once per generator
    /// state by whichever estimator asks first (``TrainingArtifacts``): `step` must describe
    /// everything the result depends on besides the context and `rng` (e.g. the estimator's
    /// configuration). Leaves `rng` as `compute` would have. `T` is Codable so that the result
    /// can be saved with a fit and preloaded on another machine (``TrainingArtifactsSnapshot``).
    public mutating func shared<T: Sendable & Codable>(_ step: String, _ compute: (inout TrainingContext) throws -> T) throws -> T {
        let base = self
        return try artifacts.value(step, rng: &rng) { rng in
            var context = base
            context.rng = rng
            defer { rng = context.rng }
            return try compute(&context)
        }
    }

    /// This context sharing `artifacts` instead (e.g. a ``TrainingArtifacts/recorder()`` of its
    /// own, to save what one fit computed); the prepared pool is kept, not prepared again.
    public func sharing(_ artifacts: TrainingArtifacts) -> TrainingContext {
        var context = self
        context.artifacts = artifacts
        return context
    }

    /// The training pool after the systematics transform at `shift` (with cuts unless the shift
    /// turns them off). Surviving rows keep their weights and processes. Soft-MET noise, when
    /// `shift.softMet > 0`, is drawn from `rng` (pass `&context.rng` or a generator of your own).
    public func transformedPool(at shift: SystematicShift, noise rng: inout SeededGenerator) -> EventTable {
        prepared.applying(shift, noise: &rng).table(weightsAndProcessesFrom: pool)
    }
}
