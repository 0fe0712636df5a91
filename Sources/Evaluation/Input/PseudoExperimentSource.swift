import PseudoExperiments
import Scoring

/// Where the runner takes pseudo-experiments from: a generated collection of sets (a set
/// directory, or the built-in default challenge), with its sealed truths and training data.
///
/// The runner asks for each pseudo-experiment's view once per evaluation, from several threads
/// at once, and hands the same view to every contestant. The truths go to the leaderboard
/// store for scoring and, for a reference oracle only, the nuisances to its estimate call; no
/// other contestant ever sees them.
///
/// A conforming type in a few lines (a fixed collection held in memory):
/// ```swift
/// final class InMemorySets: PseudoExperimentSource {
///     let spec: ChallengeSpec, setManifestHash = "demo", rootSeed: UInt64 = 1
///     let truths: [PseudoExperimentTruth], views: [PseudoExperimentKey: SealedView]
///     let trainingPool: EventTable, trainingPoolHash = "pool"
///     func view(of key: PseudoExperimentKey) throws -> SealedView { views[key]! }
/// }
/// ```
public protocol PseudoExperimentSource: AnyObject, Sendable {
    /// The challenge the pseudo-experiments belong to (registered in the store under its name).
    var spec: ChallengeSpec { get }
    /// Identifies the exact pseudo-experiments (spec, pool, seeds): the store's set-manifest hash.
    var setManifestHash: String { get }
    /// The root seed the sets were drawn from (recorded in the store, never shown to an estimator).
    var rootSeed: UInt64 { get }
    /// The set's keys: whether it is sealed, and the secret that seeds the estimators'
    /// generators, the fit, the run order and the statefulness sample (``EstimatorSeeds``).
    /// Default: the keys of an open set with seed ``rootSeed``.
    var keys: SetKeys { get }
    /// The truth of every pseudo-experiment, each key once.
    var truths: [PseudoExperimentTruth] { get }
    /// The sealed view of one pseudo-experiment of ``truths``; called concurrently.
    func view(of key: PseudoExperimentKey) throws -> SealedView
    /// The pool estimators train on (disjoint from the one the views are drawn from), with
    /// weights quoted at the luminosity of the spec's yields, as in pool files; the runner
    /// scales them to the challenge's luminosity for the ``TrainingContext``.
    var trainingPool: EventTable { get throws }
    /// A content hash of ``trainingPool``: fitted models are cached by it.
    var trainingPoolHash: String { get }
}

extension PseudoExperimentSource {
    public var keys: SetKeys { .open(seed: rootSeed) }
}
