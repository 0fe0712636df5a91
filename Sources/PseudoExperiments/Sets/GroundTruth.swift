/// The sealed side of one pseudo-experiment: the true signal strength of its set and the nuisance
/// values it was generated with. The harness keeps it for scoring; estimators never see it.
///
/// JSON: `{"mu": 1.2, "nuisances": {"tes": ..., "jes": ..., "soft_met": ..., "ttbar_scale": ...,
/// "diboson_scale": ..., "bkg_scale": ...}}`.
public struct GroundTruth: Codable, Equatable, Hashable, Sendable {
    /// The true signal strength (one per set).
    public var mu: Double
    /// The nuisance values of this pseudo-experiment.
    public var nuisances: NuisanceValues

    public init(mu: Double, nuisances: NuisanceValues) {
        self.mu = mu
        self.nuisances = nuisances
    }
}
