import PseudoExperiments

/// Baseline 4: a classifier's score histogrammed into the binned profile likelihood of
/// ``BinnedLikelihoodEstimator``.
///
/// Training:
/// 1. split the training pool (``PoolPartition``): `classifierFraction` of the rows (at most
///    `maxClassifierRows`) train gradient-boosted trees (``ClassifierTraining``: augmented over
///    nuisance draws, signal and background balanced); the rest build templates, so template
///    scores are those of events the classifier never saw (no overtraining bias);
/// 2. cut the score into `bins` quantile bins of the signal and background weighted equally,
///    merging bins with fewer than `minimumRowsPerBin` template rows;
/// 3. templates of the score along every shape nuisance's grid and the ``TemplateLikelihood``
///    (priors as constraints, Barlow-Beeston lite), as in baseline 3.
///
/// Estimation: score the view's rows, histogram, profile-likelihood interval by root finding.
public struct ClassifierLikelihoodEstimator: Estimator {
    public var name: String { "classifier-likelihood" }
    public var classifier: ClassifierTraining
    public var classifierFraction: Double
    public var maxClassifierRows: Int
    public var bins: Int
    public var minimumRowsPerBin: Int

    public init(classifier: ClassifierTraining = ClassifierTraining(), classifierFraction: Double = 0.3,
                maxClassifierRows: Int = 150_000, bins: Int = 30, minimumRowsPerBin: Int = 100) {
        precondition(classifierFraction > 0 && classifierFraction < 1, "classifierFraction must lie in (0, 1), got \(classifierFraction)")
        self.classifier = classifier
        self.classifierFraction = classifierFraction
        self.maxClassifierRows = maxClassifierRows
        self.bins = bins
        self.minimumRowsPerBin = minimumRowsPerBin
    }

    public func fit(_ context: inout TrainingContext) throws -> any FittedEstimator {
        try fitTemplates(&context).fitted
    }

    /// What training made, for estimators built on this one (calibrated, oracle).
    public struct Trained: Sendable {
        public var fitted: FittedTemplates<ScoreBinning>
        public var partition: PoolPartition
    }

    /// Trains with the pool split into the classifier's rows, the templates' rows and, if
    /// `heldOut > 0`, a held-out share for the caller (role 2 of the partition).
    public func fitTemplates(_ context: inout TrainingContext, heldOut: Double = 0, estimator: String? = nil) throws -> Trained {
        let name = estimator ?? self.name
        try TemplateTraining.checkProcesses(context, estimator: name)
        let layout = try TemplateTraining.layout(context, estimator: name)
        let classifierShare = min(classifierFraction, Double(maxClassifierRows) / Double(max(context.pool.count, 1)))
        let fractions = [classifierShare, 1 - classifierShare - heldOut] + (heldOut > 0 ? [heldOut] : [])
        let partition = PoolPartition(pool: context.pool, fractions: fractions, using: &context.rng)
        let minimumRows = 2 * minimumRowsPerBin
        for role in 0..<2 where partition.rows[role].count < minimumRows {
            throw BaselineError.poolTooSmall(estimator: name, what: role == 0 ? "training the classifier" : "building templates",
                                             rows: partition.rows[role].count, needed: minimumRows)
        }
        let training = TemplateSource(context: context, rows: partition.rows[0], scale: partition.scale(role: 0, pool: context.pool))
        let model = classifier.train(source: training, spec: context.spec, using: &context.rng)
        let source = TemplateSource(context: context, rows: partition.rows[1], scale: partition.scale(role: 1, pool: context.pool))
        let nominal = source.transformed(at: layout.shift(at: layout.nominal), noiseSeed: context.rng.next())
        let scores = model.scores(nominal)
        let quantiles = BinEdges.quantiles(of: scores, weights: TemplateTraining.balancedWeights(nominal, source: source), bins: bins)
        let binning = ScoreBinning(classifier: model,
                                   edges: TemplateTraining.merged(quantiles, values: scores[...], minimum: minimumRowsPerBin))
        let likelihood = try TemplateTraining.likelihood(source: source, binning: binning, layout: layout,
                                                         context: &context, estimator: name)
        return Trained(fitted: FittedTemplates(binning: binning, likelihood: likelihood), partition: partition)
    }
}
