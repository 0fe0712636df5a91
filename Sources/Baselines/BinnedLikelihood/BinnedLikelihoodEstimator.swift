import PseudoExperiments

/// Baseline 3: a binned profile likelihood in one discriminating feature.
///
/// Training, on the whole training pool:
/// 1. transform the pool at the nominal nuisances and cut the feature into `bins` bins at the
///    quantiles of the signal and background distributions weighted equally (so bins follow both
///    the signal peak and the background bulk); merge bins holding fewer than
///    `minimumRowsPerBin` pool rows, so every template bin is measured;
/// 2. build per-process templates at the nominal nuisances and along every shape nuisance's grid,
///    fit their log-responses (``TemplateScan``), and make the ``TemplateLikelihood``: every
///    nuisance constrained by its prior (soft MET's log-normal), the templates' finite statistics
///    by Barlow-Beeston lite.
///
/// Estimation: histogram the view's feature, profile-likelihood interval by root finding of
/// t(mu) = 1 (never a symmetric Hessian error).
public struct BinnedLikelihoodEstimator: Estimator {
    public var name: String { "binned-likelihood" }
    /// The discriminating feature (the visible mass: the Higgs peaks above the Z).
    public var feature: Feature
    /// The number of quantile bins before merging.
    public var bins: Int
    /// The fewest pool rows a bin may hold.
    public var minimumRowsPerBin: Int

    public init(feature: Feature = .massVis, bins: Int = 30, minimumRowsPerBin: Int = 100) {
        precondition(bins >= 1, "at least one bin is needed, got \(bins)")
        self.feature = feature
        self.bins = bins
        self.minimumRowsPerBin = minimumRowsPerBin
    }

    public func fit(_ context: inout TrainingContext) throws -> any FittedEstimator {
        try fitTemplates(&context)
    }

    /// ``fit(_:)`` with its concrete type. The result is shared through the context's
    /// ``TrainingArtifacts`` (keyed by this configuration): the statefulness check's fresh
    /// instance is a new value made from the same immutable templates, not a second training.
    public func fitTemplates(_ context: inout TrainingContext) throws -> FittedTemplates<FeatureBinning> {
        try context.shared("BinnedLikelihoodEstimator.fitTemplates|\(self)") { try trainTemplates(&$0) }
    }

    private func trainTemplates(_ context: inout TrainingContext) throws -> FittedTemplates<FeatureBinning> {
        try TemplateTraining.checkProcesses(context, estimator: name)
        let layout = try TemplateTraining.layout(context, estimator: name)
        let partition = PoolPartition(pool: context.pool, fractions: [1], using: &context.rng)
        let source = partition.source(role: 0, context: context)
        let feature = self.feature
        let (values, weights) = source.balancedValues(at: layout.shift(at: layout.nominal), noiseSeed: context.rng.next()) {
            Array($0.column(feature))
        }
        guard values.count >= 2 * minimumRowsPerBin else {
            throw BaselineError.poolTooSmall(estimator: name, what: "binning \(feature.rawValue)", rows: values.count,
                                             needed: 2 * minimumRowsPerBin)
        }
        let quantiles = BinEdges.quantiles(of: values, weights: weights, bins: bins)
        let binning = FeatureBinning(feature: feature,
                                     edges: TemplateTraining.merged(quantiles, values: values[...], minimum: minimumRowsPerBin))
        let likelihood = try TemplateTraining.likelihood(source: source, binning: binning, layout: layout,
                                                         context: &context, estimator: name)
        return FittedTemplates(binning: binning, likelihood: likelihood)
    }
}
