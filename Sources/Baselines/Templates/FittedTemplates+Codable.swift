import PseudoExperiments

/// Saved with a fit (``TrainingArtifactsSnapshot``): a template estimator's fit is its binning
/// and its likelihood.
extension FittedTemplates: Codable where Binning: Codable {
    enum CodingKeys: String, CodingKey {
        case binning, likelihood
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(binning: try container.decode(Binning.self, forKey: .binning),
                  likelihood: try container.decode(TemplateLikelihood.self, forKey: .likelihood))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(binning, forKey: .binning)
        try container.encode(likelihood, forKey: .likelihood)
    }
}
