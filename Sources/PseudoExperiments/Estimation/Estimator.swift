/// A method that turns pseudo-experiments into confidence intervals for mu: the recipe, before
/// training.
///
/// The harness fits an estimator once per evaluation with a ``TrainingContext`` (what the
/// challenge gave its participants) and then asks the fitted model for one ``Estimate`` per
/// pseudo-experiment, in parallel and in an order it chooses. Fitted models must not carry
/// information from one pseudo-experiment to the next: the runner re-estimates a random few
/// percent with a freshly fitted instance in another order and flags any difference.
///
/// A conforming type in five lines, an estimator that ignores the data:
/// ```swift
/// struct PriorOnly: Estimator, FittedEstimator {
///     var name: String { "prior-only" }
///     func fit(_ context: inout TrainingContext) throws -> any FittedEstimator { self }
///     func estimate(_ view: SealedView, using rng: inout SeededGenerator) throws -> Estimate {
///         Estimate(interval68: ConfidenceInterval(lower: 0.1, upper: 3)) }
/// }
/// ```
public protocol Estimator {
    /// The name shown on the leaderboard and taken by `--estimator`.
    var name: String { get }
    /// A version string; a change of version is a new submission version on the leaderboard.
    var version: String { get }
    /// Trains on the context and returns the model that estimates every pseudo-experiment.
    /// Draw randomness from `context.rng` only, so that fitting is reproducible.
    func fit(_ context: inout TrainingContext) throws -> any FittedEstimator
}

extension Estimator {
    public var version: String { "1" }
}

/// A trained estimator: maps one sealed pseudo-experiment to an estimate.
///
/// `estimate` is called concurrently from several threads on the same value, so it must not
/// mutate shared state; `rng` is this pseudo-experiment's own generator, seeded by a keyed hash
/// that cannot be turned back into any seed of the truth.
public protocol FittedEstimator: Sendable {
    func estimate(_ view: SealedView, using rng: inout SeededGenerator) throws -> Estimate
}
