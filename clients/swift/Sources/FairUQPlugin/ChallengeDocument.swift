import Foundation

/// The challenge spec as the `fit` and `load` messages carry it (canonical JSON of
/// datasets-spec/schemas/1.0.0/challenge.json), decoded for estimators: yields, nuisance
/// priors and what they act on, the mu prior. Keys an estimator does not need are ignored.
public struct ChallengeDocument: Decodable, Sendable {
    public var name: String
    /// Integrated luminosity of one pseudo-experiment (fb^-1).
    public var luminosity: Double
    public var yields: Yields
    public var nuisances: [Nuisance]
    public var mu: Mu
    public var confidenceLevel: Double

    public struct Yields: Decodable, Sendable {
        /// The luminosity the expected events are quoted at.
        public var luminosity: Double
        /// Expected events of each process at mu = 1, at ``luminosity``.
        public var expectedEvents: [String: Double]

        enum CodingKeys: String, CodingKey {
            case luminosity = "luminosity_fb_inverse"
            case expectedEvents = "expected_events"
        }
    }

    public struct Nuisance: Decodable, Sendable {
        public var name: String
        public var prior: Prior
        public var clip: Clip
        public var actsOn: ActsOn

        enum CodingKeys: String, CodingKey {
            case name, prior, clip
            case actsOn = "acts_on"
        }

        /// The prior's centre: the mean of a normal, the median of a lognormal.
        public var centre: Double {
            prior.family == "lognormal" ? Foundation.exp(prior.logMean ?? 0) : (prior.mean ?? 0)
        }

        /// One standard deviation of the prior above its centre, clipped.
        public var oneSigmaAbove: Double {
            let value = prior.family == "lognormal"
                ? Foundation.exp((prior.logMean ?? 0) + (prior.logSigma ?? 0))
                : (prior.mean ?? 0) + (prior.sigma ?? 0)
            return min(max(value, clip.min), clip.max)
        }
    }

    public struct Prior: Decodable, Sendable {
        /// `normal` or `lognormal`.
        public var family: String
        public var mean: Double?
        public var sigma: Double?
        public var logMean: Double?
        public var logSigma: Double?

        enum CodingKeys: String, CodingKey {
            case family, mean, sigma
            case logMean = "log_mean"
            case logSigma = "log_sigma"
        }
    }

    public struct Clip: Decodable, Sendable {
        public var min: Double
        public var max: Double
    }

    /// A feature effect of the systematics transform, or the processes a scale multiplies.
    public struct ActsOn: Decodable, Sendable {
        public var features: String?
        public var normalisation: [String]?
    }

    public struct Mu: Decodable, Sendable {
        public var prior: Clip
    }

    enum CodingKeys: String, CodingKey {
        case name, yields, nuisances, mu
        case luminosity = "luminosity_fb_inverse"
        case confidenceLevel = "confidence_level"
    }

    /// The nuisance named `name`, if the spec has it.
    public func nuisance(_ name: String) -> Nuisance? {
        nuisances.first { $0.name == name }
    }
}
