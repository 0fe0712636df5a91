import PseudoExperiments

/// The sealed truth of one pseudo-experiment: the true signal strength and nuisance values.
///
/// Only the runner and the scorer see it; the store keeps it per set manifest so that scoring
/// can join results to truths.
public struct PseudoExperimentTruth: Hashable, Codable, Sendable {
    /// The true signal strength mu.
    public var mu: Double
    /// The nuisance values the pseudo-experiment was generated at.
    public var nuisances: NuisanceValues

    public init(mu: Double, nuisances: NuisanceValues = .nominal) {
        self.mu = mu
        self.nuisances = nuisances
    }
}
