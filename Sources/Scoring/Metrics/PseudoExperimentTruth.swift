import PseudoExperiments

/// Identifies one pseudo-experiment: its set and its index within the set.
public struct PseudoExperimentKey: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var setIndex: Int
    public var index: Int

    public init(setIndex: Int, index: Int) {
        self.setIndex = setIndex
        self.index = index
    }

    public static func < (a: Self, b: Self) -> Bool {
        (a.setIndex, a.index) < (b.setIndex, b.index)
    }

    public var description: String { "set \(setIndex), pseudo-experiment \(index)" }

    enum CodingKeys: String, CodingKey {
        case setIndex = "set_index"
        case index
    }
}

/// The sealed side of one pseudo-experiment: what the estimator never sees and the scorer needs.
///
/// `nuisances` is nil when the source does not record them (the challenge's own result files
/// carry only the set's true mu); coverage breakdowns by nuisance parameter then skip the result.
public struct PseudoExperimentTruth: Codable, Sendable, Equatable {
    /// The set (in the challenge: one true mu per set).
    public var setIndex: Int
    /// The pseudo-experiment's index within its set.
    public var index: Int
    /// The true signal strength.
    public var mu: Double
    /// The nuisance values the pseudo-experiment was generated with, if known.
    public var nuisances: NuisanceValues?

    public init(setIndex: Int, index: Int, mu: Double, nuisances: NuisanceValues? = nil) {
        self.setIndex = setIndex
        self.index = index
        self.mu = mu
        self.nuisances = nuisances
    }

    public var key: PseudoExperimentKey { PseudoExperimentKey(setIndex: setIndex, index: index) }

    enum CodingKeys: String, CodingKey {
        case setIndex = "set_index"
        case index, mu, nuisances
    }
}
