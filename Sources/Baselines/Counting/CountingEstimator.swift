import PseudoExperiments

/// Baseline 2: counting events in one bin after a selection.
///
/// The selection is a box, `lo < DER_mass_vis <= hi` and `DER_mass_transverse_met_lep <= m`,
/// chosen on the training pool among ``SelectionSearch``'s candidates to minimise the expected
/// variance of mu_hat, systematics included. The count moves with the energy scales (a 1% tau
/// energy scale moves thousands of Z events across the 26 GeV tau cut and the mass window), so
/// the likelihood is the one-bin ``TemplateLikelihood``: the yield's response to TES, JES and
/// soft MET (from the training transform along each nuisance's grid) and every normalisation,
/// each constrained by its prior, plus the pool's statistical precision. Its interval
/// `{mu : t(mu) <= 1}` comes from root finding; it is wide, and honest.
public struct CountingEstimator: Estimator {
    public var name: String { "counting" }
    /// The candidate selections.
    public var search: SelectionSearch

    public init(search: SelectionSearch = SelectionSearch()) {
        self.search = search
    }

    public func fit(_ context: inout TrainingContext) throws -> any FittedEstimator {
        try fitTemplates(&context)
    }

    /// ``fit(_:)`` with its concrete type. The result is shared through the context's
    /// ``TrainingArtifacts`` (keyed by this configuration): the statefulness check's fresh
    /// instance is a new value made from the same immutable templates, not a second training.
    public func fitTemplates(_ context: inout TrainingContext) throws -> FittedTemplates<BoxSelection> {
        try context.shared("CountingEstimator.fitTemplates|\(self)") { try trainTemplates(&$0) }
    }

    private func trainTemplates(_ context: inout TrainingContext) throws -> FittedTemplates<BoxSelection> {
        try TemplateTraining.checkProcesses(context, estimator: name)
        let layout = try TemplateTraining.layout(context, estimator: name)
        let partition = PoolPartition(pool: context.pool, fractions: [1], using: &context.rng)
        let source = partition.source(role: 0, context: context)
        let selection = try search.best(source: source, layout: layout, noiseSeed: context.rng.next(), estimator: name)
        let likelihood = try TemplateTraining.likelihood(source: source, binning: selection, layout: layout,
                                                         context: &context, estimator: name)
        return FittedTemplates(binning: selection, likelihood: likelihood)
    }
}
