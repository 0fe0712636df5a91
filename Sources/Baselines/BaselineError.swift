import Foundation
import PseudoExperiments

/// Why a baseline estimator could not train or could not estimate one pseudo-experiment.
///
/// Every failure is a recorded reason, never a crash or a silent number: the runner stores the
/// description with the pseudo-experiment. Numerical failures keep the ``FitError`` that caused
/// them.
public enum BaselineError: Error, Equatable, Sendable {
    // MARK: Training
    /// The training pool has no row of positive weight of a process the estimator needs.
    case missingProcess(estimator: String, process: PhysicsProcess, rows: Int)
    /// The training pool is too small for what the estimator builds.
    case poolTooSmall(estimator: String, what: String, rows: Int, needed: Int)
    /// The spec lacks something the estimator needs (e.g. a nuisance it models).
    case unsupportedSpec(estimator: String, reason: String)
    /// Building templates or training failed numerically.
    case trainingFailed(estimator: String, reason: FitError)

    // MARK: One pseudo-experiment
    /// The sealed view holds no rows.
    case emptyView(estimator: String)
    /// A row has a NaN or infinite feature value.
    case nonFiniteFeature(estimator: String, row: Int, feature: Feature, value: Float)
    /// No row of the view falls into the estimator's bins (e.g. none passes its selection).
    case noEventsSelected(estimator: String, rows: Int, expected: Double)
    /// The likelihood fit or the interval search failed.
    case fitFailed(estimator: String, reason: FitError)
}

extension BaselineError: CustomStringConvertible, LocalizedError {
    public var description: String {
        switch self {
        case let .missingProcess(estimator, process, rows):
            return "\(estimator): the training pool has no \(process.rawValue) row of positive weight (\(rows) rows "
                + "of that process): train on a pool that holds every process of the challenge."
        case let .poolTooSmall(estimator, what, rows, needed):
            return "\(estimator): \(what) needs at least \(needed) training rows but has \(rows): use a larger training pool."
        case let .unsupportedSpec(estimator, reason):
            return "\(estimator): the challenge spec cannot be modelled: \(reason)."
        case let .trainingFailed(estimator, reason):
            return "\(estimator): training failed: \(reason.description)"
        case let .emptyView(estimator):
            return "\(estimator): the pseudo-experiment has no events, so there is nothing to measure: "
                + "check the set file or the generator that produced it."
        case let .nonFiniteFeature(estimator, row, feature, value):
            return "\(estimator): row \(row) has \(feature.rawValue) = \(value), not a finite number: "
                + "features must be finite (-25 marks an undefined value); fix the event file."
        case let .noEventsSelected(estimator, rows, expected):
            return "\(estimator): none of the \(rows) events falls into the estimator's bins, where the model expects "
                + "\(String(format: "%.1f", expected)) at nominal: the data and the training pool disagree "
                + "(different selection or challenge?); check that both come from the same challenge."
        case let .fitFailed(estimator, reason):
            return "\(estimator): the fit failed: \(reason.description)"
        }
    }

    public var errorDescription: String? { description }
}
