import Foundation

/// Boson-pair production (`WW`, `WZ`, `ZZ`) in the lepton + hadronic-tau final state.
///
/// Two channels, chosen per event:
/// - `W W`, probability ``wwFraction``: one W gives the lepton (directly or through a leptonic
///   tau), the other the hadronic tau (or a quark jet taken for one), as in ``TopPairProduction``;
/// - `Z V`: the Z decays to a tau pair (lepton + hadronic tau) and the other boson to two
///   quark jets.
///
/// The pair's mass rises from threshold with a Gamma-distributed excess, it recoils against
/// initial-state radiation and decays isotropically:
/// ```
/// m_VV = m_1 + m_2 + excessScale Gamma(2, 1),   y ~ N(0, rapidityWidth),   pT = -sum(ISR) + kT
/// ```
public struct DibosonProduction: Sendable, Equatable, CandidateSource {
    public var wwFraction = 0.6
    public var zLineShape = BreitWigner(mass: 91.1880, width: 2.4955, halfWidths: 10)
    /// Scale of the Gamma(2) mass excess above threshold (GeV).
    public var excessScale = 40.0
    public var rapidityWidth = 1.5
    public var leptonViaTau = 0.15
    public var fakeTauFraction = 0.3
    public var radiation = JetRadiation(meanEmissions: 0.8, shape: 2, minimumPt: 15, scale: 26, power: 3.3,
                                        etaWidth: 2.0, intrinsicKT: 5.0)

    public init() {}

    /// The default (the sample holds only 4 diboson events: yields, not shapes, are checked).
    public static let standard = DibosonProduction()

    func candidate(_ event: inout CandidateEvent, _ chain: DecayChain, _ rng: inout SeededGenerator) -> Bool {
        event.reset()
        let recoil = radiation.emit(into: event.jets, &rng, chain.math)
        let emissions = event.jets.count
        let ww = rng.nextUnitDouble() < wwFraction
        let m1 = ww ? DecayChain.wLineShape.sample(&rng, chain.math) : zLineShape.sample(&rng, chain.math)
        let m2 = DecayChain.wLineShape.sample(&rng, chain.math)
        let mass = m1 + m2 + excessScale * rng.nextGamma(integerShape: 2, chain.math)
        let pair = FourMomentum(mass: mass, px: recoil.x, py: recoil.y)
        var rapidity = DecayChain.LazyRapidity(width: rapidityWidth)
        let (v1, v2) = pair.twoBodyDecay(mass: mass, into: m1, m2, direction: rng.nextUnitVector(chain.math))
        if ww {
            guard chain.leptonicW(v1, mass: m1, viaTau: leptonViaTau, &event, &rapidity, &rng),
                  chain.hadronicW(v2, mass: m2, fake: fakeTauFraction, &event, &rapidity, &rng) else { return false }
        } else {
            guard chain.tauPair(from: v1, mass: m1, angles: .isotropic, &event, &rapidity, &rng) else { return false }
            let (q1, q2) = v2.twoBodyDecay(mass: m2, into: 0, 0, direction: rng.nextUnitVector(chain.math))
            chain.appendJet(q1, &event, &rapidity, &rng)
            chain.appendJet(q2, &event, &rapidity, &rng)
        }
        radiation.drawRapidities(event.jets, count: emissions, &rng)
        return true
    }
}
