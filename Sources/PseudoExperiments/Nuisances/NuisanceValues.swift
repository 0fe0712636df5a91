/// Values of the six nuisance parameters of the challenge for one pseudo-experiment.
///
/// `tes`, `jes` scale the hadronic tau and jet energies; `softMet` is the width (GeV) of the
/// Gaussian added to each MET component; the three scales multiply process normalisations
/// (ztautau by `bkgScale`, ttbar by `ttbarScale * bkgScale`, diboson by
/// `dibosonScale * bkgScale`). Priors and clip ranges live in the challenge spec only.
public struct NuisanceValues: Codable, Equatable, Hashable, Sendable {
    public var tes: Double
    public var jes: Double
    public var softMet: Double
    public var ttbarScale: Double
    public var dibosonScale: Double
    public var bkgScale: Double

    public init(tes: Double = 1, jes: Double = 1, softMet: Double = 0,
                ttbarScale: Double = 1, dibosonScale: Double = 1, bkgScale: Double = 1) {
        self.tes = tes
        self.jes = jes
        self.softMet = softMet
        self.ttbarScale = ttbarScale
        self.dibosonScale = dibosonScale
        self.bkgScale = bkgScale
    }

    /// No systematic shift: all scales 1, no soft MET.
    public static let nominal = NuisanceValues()

    enum CodingKeys: String, CodingKey {
        case tes, jes
        case softMet = "soft_met"
        case ttbarScale = "ttbar_scale"
        case dibosonScale = "diboson_scale"
        case bkgScale = "bkg_scale"
    }

    /// The normalisation factor of `process` at signal strength `mu`.
    public func normalisation(of process: PhysicsProcess, mu: Double) -> Double {
        switch process {
        case .htautau: return mu
        case .ztautau: return bkgScale
        case .ttbar: return ttbarScale * bkgScale
        case .diboson: return dibosonScale * bkgScale
        }
    }
}
