import Baselines
import PseudoExperiments

/// The built-in estimators, by name: one array anyone can read, in leaderboard order.
///
/// `bench evaluate --estimator NAME` and `bench run` take their estimators from here. Adding an
/// estimator to the harness is adding one line below (its type lives in `Baselines`, one
/// folder per baseline). An ``OracleEstimator`` may only be registered as a `reference`
/// (``RegisteredEstimator`` refuses anything else).
public enum EstimatorRegistry {
    /// Every built-in estimator. Names are unique. The baselines, in `BaselineCatalog.all`'s
    /// order; its reference rows (oracle, null) are shown without a rank.
    public static let builtins: [RegisteredEstimator] = BaselineCatalog.all.map { estimator in
        RegisteredEstimator(estimator,
                            kind: BaselineCatalog.referenceNames.contains(estimator.name) ? .reference : .baseline,
                            summary: BaselineCatalog.summaries[estimator.name] ?? estimator.name)
    }

    /// The names of the built-ins, in registry order.
    public static var names: [String] { builtins.map(\.name) }

    /// The built-in named `name`.
    ///
    /// - Throws: ``EvaluationError/unknownEstimator(name:available:)``.
    public static func builtin(named name: String) throws -> RegisteredEstimator {
        guard let entry = builtins.first(where: { $0.name == name }) else {
            throw EvaluationError.unknownEstimator(name: name, available: names)
        }
        return entry
    }
}
