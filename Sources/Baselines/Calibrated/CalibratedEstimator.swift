import PseudoExperiments

/// Baseline 5: the classifier likelihood with its interval threshold calibrated on toys.
///
/// Training splits the pool three ways: the classifier's rows, the templates' rows, and
/// `heldOut` rows for the calibration (``ThresholdCalibration``), which finds the threshold of
/// t(mu) that covers the confidence level of toys drawn from the held-out rows across the
/// priors. Estimation is the classifier likelihood's with that threshold, so coverage lands on
/// the nominal value instead of wherever the asymptotic threshold 1 puts it.
public struct CalibratedEstimator: Estimator {
    public var name: String { "calibrated" }
    public var base: ClassifierLikelihoodEstimator
    /// The share of the pool held out for toys.
    public var heldOut: Double
    public var calibration: ThresholdCalibration

    public init(base: ClassifierLikelihoodEstimator = ClassifierLikelihoodEstimator(), heldOut: Double = 0.25,
                calibration: ThresholdCalibration = ThresholdCalibration()) {
        precondition(heldOut > 0 && heldOut < 0.7, "heldOut must lie in (0, 0.7), got \(heldOut)")
        self.base = base
        self.heldOut = heldOut
        self.calibration = calibration
    }

    public func fit(_ context: inout TrainingContext) throws -> any FittedEstimator {
        try fitCalibrated(&context).fitted
    }

    /// The fitted estimator and what its calibration found.
    public func fitCalibrated(_ context: inout TrainingContext) throws -> (fitted: FittedTemplates<ScoreBinning>,
                                                                            calibration: ThresholdCalibration.Result) {
        let trained = try base.fitTemplates(&context, heldOut: heldOut, estimator: name)
        let partition = trained.partition
        guard partition.rows[2].count >= base.minimumRowsPerBin else {
            throw BaselineError.poolTooSmall(estimator: name, what: "holding out rows for toys", rows: partition.rows[2].count,
                                             needed: base.minimumRowsPerBin)
        }
        let heldOutRows = partition.source(role: 2, context: context)
        let result = try calibration.calibrate(trained.fitted.likelihood, binning: trained.fitted.binning, heldOut: heldOutRows,
                                               spec: context.spec, using: &context.rng)
        var likelihood = trained.fitted.likelihood
        likelihood.threshold = result.threshold
        return (FittedTemplates(binning: trained.fitted.binning, likelihood: likelihood), result)
    }
}
