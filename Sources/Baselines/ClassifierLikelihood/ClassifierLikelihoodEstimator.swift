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
    /// The share of each process's rows that trains the classifier...
    public var classifierFraction: Double
    /// ...at most this many rows per process (the rest build templates, which need every
    /// background row they can get).
    public var maxClassifierRows: Int
    public var bins: Int
    public var minimumRowsPerBin: Int

    public init(classifier: ClassifierTraining = ClassifierTraining(), classifierFraction: Double = 0.3,
                maxClassifierRows: Int = 100_000, bins: Int = 30, minimumRowsPerBin: Int = 100) {
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
    public struct Trained: Sendable, Codable {
        public var fitted: FittedTemplates<ScoreBinning>
        public var partition: PoolPartition
    }

    /// Per process: the classifier's share, the templates' share and the held-out share.
    func roleFractions(_ pool: EventTable, heldOut: Double) -> [PhysicsProcess: [Double]] {
        let rows = pool.rowCounts()
        var out: [PhysicsProcess: [Double]] = [:]
        for p in PhysicsProcess.allCases {
            let n = Double(max(rows[p] ?? 0, 1))
            let classifier = min(classifierFraction, Double(maxClassifierRows) / n)
            out[p] = [classifier, 1 - classifier - heldOut] + (heldOut > 0 ? [heldOut] : [])
        }
        return out
    }

    /// Trains with the pool split into the classifier's rows (role 0), the templates' rows
    /// (role 1) and, if `heldOut > 0`, a held-out share for the caller (role 2).
    ///
    /// The calibrated and oracle rows train exactly this, so the result is shared through the
    /// context's ``TrainingArtifacts`` (keyed by this configuration and `heldOut`): computed once
    /// per evaluation, the same model whichever estimator asks first.
    public func fitTemplates(_ context: inout TrainingContext, heldOut: Double = 0, estimator: String? = nil) throws -> Trained {
        let name = estimator ?? self.name
        var trained = try context.shared("ClassifierLikelihoodEstimator.fitTemplates|\(self)|heldOut=\(heldOut)") { context in
            try trainTemplates(&context, heldOut: heldOut, estimator: name)
        }
        // Whichever estimator trained first named the likelihood; errors must name the caller.
        var likelihood = trained.fitted.likelihood
        likelihood.estimator = name
        trained.fitted = FittedTemplates(binning: trained.fitted.binning, likelihood: likelihood)
        return trained
    }

    private func trainTemplates(_ context: inout TrainingContext, heldOut: Double, estimator name: String) throws -> Trained {
        try TemplateTraining.checkProcesses(context, estimator: name)
        let layout = try TemplateTraining.layout(context, estimator: name)
        let partition = PoolPartition(pool: context.pool, fractions: roleFractions(context.pool, heldOut: heldOut),
                                      using: &context.rng)
        let minimumRows = 2 * minimumRowsPerBin
        for role in 0..<2 where partition.rows[role].count < minimumRows {
            throw BaselineError.poolTooSmall(estimator: name, what: role == 0 ? "training the classifier" : "building templates",
                                             rows: partition.rows[role].count, needed: minimumRows)
        }
        let model = classifier.train(source: partition.source(role: 0, context: context), spec: context.spec, using: &context.rng)
        let source = partition.source(role: 1, context: context)
        let (scores, weights) = source.balancedValues(at: layout.shift(at: layout.nominal), noiseSeed: context.rng.next()) {
            model.scores($0)
        }
        let quantiles = BinEdges.quantiles(of: scores, weights: weights, bins: bins)
        let binning = ScoreBinning(classifier: model,
                                   edges: TemplateTraining.merged(quantiles, values: scores[...], minimum: minimumRowsPerBin))
        let likelihood = try TemplateTraining.likelihood(source: source, binning: binning, layout: layout,
                                                         context: &context, estimator: name)
        return Trained(fitted: FittedTemplates(binning: binning, likelihood: likelihood), partition: partition)
    }
}
