import PseudoExperiments

/// Reference row: the classifier likelihood told each pseudo-experiment's true nuisance values.
///
/// Trained as ``ClassifierLikelihoodEstimator``; at estimation every nuisance is fixed at its
/// true value (clamped into the fit's bounds) and only mu is fitted, with the templates morphed
/// to those values and their finite statistics still treated (Barlow-Beeston lite). Its width is
/// the floor that the systematics leave for this classifier and these templates: what knowing
/// the nuisances would buy. It must still cover. The harness gives the nuisances only to a
/// registry entry of kind `reference` (``OracleEstimator``).
public struct OracleBaseline: OracleEstimator {
    public var name: String { "oracle" }
    public var base: ClassifierLikelihoodEstimator

    public init(base: ClassifierLikelihoodEstimator = ClassifierLikelihoodEstimator()) {
        self.base = base
    }

    public func fit(_ context: inout TrainingContext) throws -> any FittedEstimator {
        Fitted(templates: try base.fitTemplates(&context, estimator: name).fitted)
    }

    /// The fitted oracle.
    public struct Fitted: FittedOracleEstimator {
        public let templates: FittedTemplates<ScoreBinning>

        public func estimate(_ view: SealedView, knowing nuisances: NuisanceValues,
                             using rng: inout SeededGenerator) throws -> Estimate {
            try estimate(view: view, knownNuisances: nuisances)
        }

        /// The oracle's core: the interval on mu with every nuisance held at `knownNuisances`.
        public func estimate(view: SealedView, knownNuisances: NuisanceValues) throws -> Estimate {
            try templates.estimate(view, knownNuisances: knownNuisances)
        }
    }
}
