import Foundation

/// Single-boson production with a decay to a tau pair: `Z -> tau tau` and `H -> tau tau`.
///
/// The boson's mass follows its line shape, its rapidity a Gaussian (a fair description of the
/// Drell-Yan and gluon-fusion rapidity spectra at 13 TeV within the tau acceptance), and its
/// transverse momentum the recoil against initial-state radiation (``JetRadiation``): the boson
/// spectrum and the jet multiplicity come from the same emissions, as in a parton shower.
/// ```
/// m ~ BreitWigner(M, G),   y ~ N(0, rapidityWidth),   pT = -sum(ISR) + kT
/// E = sqrt(m^2 + pT^2) cosh(y),   pz = sqrt(m^2 + pT^2) sinh(y)
/// ```
/// The decay is isotropic for the scalar Higgs and `1 + cos^2(theta)` for the Z, theta measured
/// from the beam axis in the rest frame reached from the transverse frame by a transverse boost
/// (close to the Collins-Soper frame); one tau decays to a lepton and the other to hadrons
/// (``DecayChain``). Parameters are tuned to the FAIR Universe sample's medians and jet
/// multiplicities (see `ResemblanceTests`). Blocks draw these candidates a batch at a time
/// (``BosonBatch``); ``candidate(_:_:_:)`` draws one, with the same distribution.
public struct BosonProduction: Sendable, Equatable, CandidateSource {
    /// The angular distribution of the decay in the boson rest frame, about the beam axis.
    public enum DecayAngles: Sendable, Equatable {
        /// Isotropic (a scalar: the Higgs boson).
        case isotropic
        /// `1 + cos^2(theta)` (a vector boson from quark-antiquark annihilation, leading order).
        case vector
    }

    public var lineShape: BreitWigner
    public var rapidityWidth: Double
    public var angles: DecayAngles
    public var radiation: JetRadiation

    public init(lineShape: BreitWigner, rapidityWidth: Double, angles: DecayAngles, radiation: JetRadiation) {
        self.lineShape = lineShape; self.rapidityWidth = rapidityWidth
        self.angles = angles; self.radiation = radiation
    }

    /// `Z -> tau tau` (Z mass and width PDG 2024; window 50-130 GeV). Radiation tuned to the
    /// sample's Z jet multiplicity and boson pT.
    public static let ztautau = BosonProduction(
        lineShape: BreitWigner(mass: 91.1880, width: 2.4955, lower: 50, upper: 130),
        rapidityWidth: 2.0, angles: .vector,
        radiation: JetRadiation(meanEmissions: 0.65, shape: 2, minimumPt: 15, scale: 26, power: 3.34,
                                etaWidth: 2.0, intrinsicKT: 5.0))

    /// `H -> tau tau` (m_H = 125 GeV, width 4.1 MeV). Gluon fusion radiates more and harder than
    /// Drell-Yan (colour factor C_A = 3 against C_F = 4/3); tuned to the sample.
    public static let htautau = BosonProduction(
        lineShape: BreitWigner(mass: 125.0, width: 0.0041, halfWidths: 50),
        rapidityWidth: 1.8, angles: .isotropic,
        radiation: JetRadiation(meanEmissions: 2.3, shape: 3, minimumPt: 15, scale: 27, power: 3.12,
                                etaWidth: 2.0, intrinsicKT: 6.0))

    func candidate(_ event: inout CandidateEvent, _ chain: DecayChain, _ rng: inout SeededGenerator) -> Bool {
        event.reset()
        // One draw gives the number of emissions (32 bits) and the mass (32 bits).
        let (high, low) = rng.nextHalves()
        let recoil = radiation.emit(count: radiation.emissionCount(bits: high), into: event.jets, &rng, chain.math)
        let emissions = event.jets.count
        let mass = lineShape.sample(bits: low, chain.math)
        let boson = FourMomentum(mass: mass, px: recoil.x, py: recoil.y)
        var rapidity = DecayChain.LazyRapidity(width: rapidityWidth)
        guard chain.tauPair(from: boson, mass: mass, angles: angles, &event, &rapidity, &rng) else { return false }
        radiation.drawRapidities(event.jets, count: emissions, &rng)
        return true
    }
}
