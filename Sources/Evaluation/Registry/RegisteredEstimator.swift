import PseudoExperiments
import Scoring

/// One entry of the estimator registry: a built-in estimator, how it appears on leaderboards,
/// and a line saying what it does.
///
/// Only an entry of kind `reference` may hold an ``OracleEstimator`` (an estimator the runner
/// tells the true nuisance values): the initialiser refuses any other combination, so an
/// entry or baseline can never reach them.
public struct RegisteredEstimator: @unchecked Sendable {
    // @unchecked: an `Estimator` is an immutable recipe (its `fit` returns a new model), so
    // sharing one between threads is safe although the protocol does not require Sendable.

    /// The estimator (the recipe, before training).
    public let estimator: any Estimator
    /// `baseline` for a ranked built-in, `reference` for a comparison row (oracle, null).
    public let kind: Submission.Kind
    /// One line for `bench evaluate --help` and the README.
    public let summary: String

    public init(_ estimator: any Estimator, kind: Submission.Kind, summary: String) {
        precondition(!(estimator is any OracleEstimator) || kind == .reference,
                     "\(estimator.name) is an OracleEstimator (it is told the true nuisances); register it as a "
                        + "reference, not as \(kind.rawValue)")
        precondition(!estimator.name.isEmpty, "a registered estimator needs a name")
        self.estimator = estimator
        self.kind = kind
        self.summary = summary
    }

    /// The name `--estimator` takes and the leaderboard shows.
    public var name: String { estimator.name }

    /// Whether the runner gives this estimator the true nuisance values.
    public var isOracle: Bool { estimator is any OracleEstimator }

    /// The submission this entry runs as (under `name`, or its own name).
    ///
    /// A built-in's code is the harness's, so its code hash is that of its name, its version
    /// and the harness version: a new harness release is a new version of every built-in.
    /// ```
    /// codeHash = SHA256("builtin/<name>/<version>/harness <Harness.version>")
    /// ```
    public func submission(named name: String? = nil) -> Submission {
        let text = "builtin/\(estimator.name)/\(estimator.version)/harness \(Harness.version)"
        return Submission(name: name ?? estimator.name, kind: kind, version: estimator.version,
                          codeHash: SHA256.hash(Array(text.utf8)).hex)
    }
}
