import PseudoExperiments

/// Fitted models kept in memory by (estimator, code hash, challenge, training pool, training
/// seed), so that evaluating the same estimator on several set directories in one process fits
/// it once.
///
/// The statefulness check never takes its fresh instance from here: it calls `fit` anew (built-in
/// estimators then take their costly, immutable training results from the context's
/// `TrainingArtifacts`, so the fresh instance is a new value made from them).
public final class FittedModelCache: @unchecked Sendable {
    /// What identifies a fitted model: the same recipe trained on the same data with the same
    /// randomness.
    public struct Key: Hashable, Sendable {
        public var estimator: String
        public var codeHash: String
        /// The challenge spec's SHA-256 (it sets the luminosity the training weights are scaled to).
        public var specHash: String
        public var trainingPoolHash: String
        public var trainingSeed: UInt64
    }

    private let models = Locked<[Key: any FittedEstimator]>([:])

    public init() {}

    /// The number of models held.
    public var count: Int { models.current.count }

    func model(for key: Key) -> (any FittedEstimator)? { models.withLock { $0[key] } }

    func keep(_ model: any FittedEstimator, for key: Key) { models.withLock { $0[key] = model } }
}
