import PseudoExperiments
import Scoring

/// A contestant's trained model as the runner calls it: the plain estimate for everyone, the
/// estimate knowing the nuisances for a reference oracle only.
struct FittedModel: Sendable {
    let model: any FittedEstimator
    /// Set only when the contestant is a reference oracle (``Contestant/receivesNuisances``).
    let oracle: (any FittedOracleEstimator)?

    init(_ model: any FittedEstimator, for contestant: Contestant) {
        self.model = model
        oracle = contestant.receivesNuisances ? model as? any FittedOracleEstimator : nil
    }

    /// The estimate of one pseudo-experiment; the truth's nuisances reach an oracle only.
    func estimate(_ view: SealedView, truth: PseudoExperimentTruth,
                  using rng: inout SeededGenerator) throws -> Estimate {
        guard let oracle else { return try model.estimate(view, using: &rng) }
        guard let nuisances = truth.nuisances else { throw EvaluationError.oracleWithoutTruth(key: truth.key) }
        return try oracle.estimate(view, knowing: nuisances, using: &rng)
    }
}

/// How fitting a contestant ended.
enum FitOutcome: Sendable {
    case fitted(FittedModel, seconds: Double, cached: Bool)
    case failed(reason: String, seconds: Double)

    var model: FittedModel? {
        if case let .fitted(model, _, _) = self { return model }
        return nil
    }
}
