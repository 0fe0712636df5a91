import PseudoExperiments
import Scoring

/// What the runner evaluates: an estimator under a submission's name, kind and code hash.
///
/// Build one from a registry entry (``init(_:name:)``) or from any estimator with its
/// submission (``init(_:submission:)``, e.g. an out-of-process plugin as an `entry`).
public struct Contestant: @unchecked Sendable {
    // @unchecked: see RegisteredEstimator; the runner fits each contestant on one thread.

    /// The name, kind, version and code hash recorded with every run.
    public let submission: Submission
    /// The estimator, before training.
    public let estimator: any Estimator
    /// Flags the runner raises on the contestant's run as it begins (or resumes), e.g.
    /// ``RunFlag/unsandboxed`` for a plugin that will run unconfined: known before any result,
    /// so that not even an interrupted run can be mistaken for a confined one.
    public var runFlags: [RunFlag] = []
    /// A fit saved earlier for this contestant (``SavedFit``): the runner loads it instead of
    /// fitting, after checking that it was made on the same spec, training pool and seed.
    public var savedFit: SavedFitDirectory?

    /// An estimator evaluated as `submission`.
    ///
    /// - Throws: ``EvaluationError/oracleNotReference(name:kind:)`` when `estimator` is an
    ///   ``OracleEstimator`` and the submission is not a `reference`: the true nuisances are
    ///   for reference rows only.
    public init(_ estimator: any Estimator, submission: Submission) throws {
        guard !(estimator is any OracleEstimator) || submission.kind == .reference else {
            throw EvaluationError.oracleNotReference(name: submission.name, kind: submission.kind.rawValue)
        }
        self.estimator = estimator
        self.submission = submission
    }

    /// A registry entry, under its own name or `name`.
    public init(_ entry: RegisteredEstimator, name: String? = nil) {
        estimator = entry.estimator
        submission = entry.submission(named: name)
    }

    /// Whether the runner tells this contestant the true nuisance values: only an oracle
    /// registered as a reference.
    var receivesNuisances: Bool { submission.kind == .reference && estimator is any OracleEstimator }
}
