import Foundation
import Scoring

/// Why an evaluation could not be run, said so that the user knows what to do.
///
/// An estimator's own failures (a thrown error, NaN, swapped bounds, overtime, a failed
/// start-up) are not errors of the evaluation: they are recorded as failed results and scored.
public enum EvaluationError: Error, CustomStringConvertible, LocalizedError, Equatable {
    /// `--estimator` named no built-in estimator.
    case unknownEstimator(name: String, available: [String])
    /// An estimator told the true nuisances was to run as an entry or baseline.
    case oracleNotReference(name: String, kind: String)
    /// The runner was given nothing to evaluate.
    case noContestants
    /// Two contestants share a submission name.
    case duplicateContestant(name: String)
    /// The source holds no pseudo-experiment.
    case noPseudoExperiments(setManifestHash: String)
    /// A pseudo-experiment could not be generated (a problem of the sets, not of an estimator).
    case generationFailed(key: PseudoExperimentKey, setManifestHash: String, reason: String)
    /// An oracle was to be told nuisances that the source does not know.
    case oracleWithoutTruth(key: PseudoExperimentKey)
    /// The options make no sense.
    case invalidOptions(String)
    /// A plugin executable that does not exist.
    case pluginNotFound(path: String)
    /// `--training-size` asked for more rows than the training pool has.
    case trainingSizeTooLarge(asked: String, source: String, rows: Int)
    /// A saved fit (`--fitted`, `--save-fit`) that cannot be used, at `path`.
    case savedFit(path: String, problem: String)

    public var description: String {
        switch self {
        case let .unknownEstimator(name, available):
            return "There is no built-in estimator named '\(name)'. "
                + (available.isEmpty ? "This build registers none."
                    : "Choose one of: \(available.joined(separator: ", ")).")
        case let .oracleNotReference(name, kind):
            return "'\(name)' is an oracle estimator (it is told the true nuisance values) and can only be evaluated "
                + "as a reference, not as \(kind == "entry" ? "an" : "a") \(kind). Use its registry entry."
        case .noContestants:
            return "Nothing to evaluate: name at least one estimator."
        case let .duplicateContestant(name):
            return "Two of the estimators to evaluate are both named '\(name)'. Give each a distinct name (--name)."
        case let .noPseudoExperiments(hash):
            return "The sets \(hash) hold no pseudo-experiment. Generate sets with at least one pseudo-experiment."
        case let .generationFailed(key, hash, reason):
            return "Could not generate \(key) of the sets \(hash): \(reason). Check the set directory and its pool "
                + "(bench inspect), or generate the sets again."
        case let .oracleWithoutTruth(key):
            return "The oracle needs the true nuisance values of \(key), which these sets do not record."
        case let .invalidOptions(problem):
            return "Invalid evaluation options: \(problem)."
        case let .pluginNotFound(path):
            return "There is no plugin file at \(path). Give the path of the plugin's executable (or script with a #! line)."
        case let .trainingSizeTooLarge(asked, source, rows):
            return "--training-size asks for \(asked) of the training pool \(source), which has \(rows) rows: "
                + "ask for at most \(rows), or for a fraction such as 0.5."
        case let .savedFit(path, problem):
            return "The saved fit \(path) cannot be used: \(problem)."
        }
    }

    public var errorDescription: String? { description }
}
