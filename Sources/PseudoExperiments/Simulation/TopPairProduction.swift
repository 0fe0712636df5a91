import Foundation

/// Top-quark pair production, `t tbar -> b W b W`, in the lepton + hadronic-tau final state.
///
/// The pair's mass rises from threshold with a Gamma-distributed excess, the pair recoils against
/// initial-state radiation and decays isotropically; each top decays to `b W`:
/// ```
/// m_t1, m_t2 ~ BreitWigner(172.57, 1.42),   m_tt = m_t1 + m_t2 + excessScale Gamma(2, 1)
/// y_tt ~ N(0, rapidityWidth),   pT_tt = -sum(ISR) + kT
/// ```
/// One W gives the lepton (`W -> l nu`, or through `W -> tau nu, tau -> l nu nu` with probability
/// ``leptonViaTau``), the other the hadronic tau (`W -> tau nu`, or with probability
/// ``fakeTauFraction`` `W -> q q'` with a quark jet taken for a tau, as jets faking taus are a
/// large part of this background in the real analysis). Both b quarks and any spare quark are
/// jets, so the jet multiplicity starts at two or three before radiation.
public struct TopPairProduction: Sendable, Equatable, CandidateSource {
    public var topLineShape = BreitWigner(mass: 172.57, width: 1.42, halfWidths: 15)
    public var bottomMass = 4.18
    /// Scale of the Gamma(2) mass excess above threshold (GeV).
    public var excessScale = 60.0
    public var rapidityWidth = 1.3
    public var leptonViaTau = 0.15
    public var fakeTauFraction = 0.2
    public var radiation = JetRadiation(meanEmissions: 1.6, shape: 2, minimumPt: 15, scale: 26, power: 3.3,
                                        etaWidth: 2.0, intrinsicKT: 5.0)

    public init() {}

    /// The default, tuned to the 26 ttbar events of the FAIR Universe sample.
    public static let standard = TopPairProduction()

    func candidate(_ event: inout CandidateEvent, _ chain: DecayChain, _ rng: inout SeededGenerator) -> Bool {
        event.reset()
        let recoil = radiation.emit(into: event.jets, &rng, chain.math)
        let emissions = event.jets.count
        let m1 = topLineShape.sample(&rng, chain.math), m2 = topLineShape.sample(&rng, chain.math)
        let mass = m1 + m2 + excessScale * rng.nextGamma(integerShape: 2, chain.math)
        let pair = FourMomentum(mass: mass, px: recoil.x, py: recoil.y)
        var rapidity = DecayChain.LazyRapidity(width: rapidityWidth)
        let (t1, t2) = pair.twoBodyDecay(mass: mass, into: m1, m2, direction: rng.nextUnitVector(chain.math))

        let w1Mass = DecayChain.wLineShape.sample(&rng, chain.math)
        let (b1, w1) = t1.twoBodyDecay(mass: m1, into: bottomMass, w1Mass, direction: rng.nextUnitVector(chain.math))
        guard chain.leptonicW(w1, mass: w1Mass, viaTau: leptonViaTau, &event, &rapidity, &rng) else { return false }
        let w2Mass = DecayChain.wLineShape.sample(&rng, chain.math)
        let (b2, w2) = t2.twoBodyDecay(mass: m2, into: bottomMass, w2Mass, direction: rng.nextUnitVector(chain.math))
        guard chain.hadronicW(w2, mass: w2Mass, fake: fakeTauFraction, &event, &rapidity, &rng) else { return false }
        chain.appendJet(b1, &event, &rapidity, &rng)
        chain.appendJet(b2, &event, &rapidity, &rng)
        radiation.drawRapidities(event.jets, count: emissions, &rng)
        return true
    }
}
