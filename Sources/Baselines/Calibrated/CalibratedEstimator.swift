import PseudoExperiments

/// Baseline 5: the classifier likelihood with its interval threshold calibrated on toys.
///
/// Trained as ``ClassifierLikelihoodEstimator``; then ``ThresholdCalibration`` draws toys from
/// bootstrap replicates of the template rows across the priors and finds the threshold of t(mu)
/// that covers the confidence level of them (and one threshold per further level: 50%, 90%, 95%). Estimation is the classifier likelihood's with that
/// threshold, so coverage lands on the nominal value instead of wherever the asymptotic
/// threshold 1 puts it.
public struct CalibratedEstimator: Estimator {
    public var name: String { "calibrated" }
    public var base: ClassifierLikelihoodEstimator
    public var calibration: ThresholdCalibration

    public init(base: ClassifierLikelihoodEstimator = ClassifierLikelihoodEstimator(),
                calibration: ThresholdCalibration = ThresholdCalibration()) {
        self.base = base
        self.calibration = calibration
    }

    public func fit(_ context: inout TrainingContext) throws -> any FittedEstimator {
        try fitCalibrated(&context).fitted
    }

    /// The fitted estimator and what its calibration found.
    public func fitCalibrated(_ context: inout TrainingContext) throws -> (fitted: FittedTemplates<ScoreBinning>,
                                                                            calibration: ThresholdCalibration.Result) {
        let trained = try base.fitTemplates(&context, estimator: name)
        // The toys are the costly part: shared too, so that the statefulness check's fresh
        // instance is built from the same immutable results instead of redoing them.
        let result = try context.shared("ThresholdCalibration.calibrate|\(calibration)|\(base)") { context in
            let source = trained.partition.source(role: 1, context: context)
            return try calibration.calibrate(trained.fitted.likelihood, binning: trained.fitted.binning, source: source,
                                             spec: context.spec, using: &context.rng)
        }
        var likelihood = trained.fitted.likelihood
        likelihood.threshold = result.threshold
        likelihood.furtherLevels = result.furtherThresholds
        return (FittedTemplates(binning: trained.fitted.binning, likelihood: likelihood), result)
    }
}
