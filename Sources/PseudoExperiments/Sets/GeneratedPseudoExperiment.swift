/// One generated pseudo-experiment: what the estimator gets (``view``) and what the harness
/// keeps (``truth``, ``provenance``).
public struct GeneratedPseudoExperiment: Sendable {
    /// The set index.
    public let set: Int
    /// The pseudo-experiment's index within its set.
    public let pseudoExperiment: Int
    /// The true mu and nuisance values (harness-only).
    public let truth: GroundTruth
    /// The features of the rows, shuffled: the only part an estimator sees.
    public let view: SealedView
    /// Where each view row comes from (harness-only).
    public let provenance: RowProvenance
}
