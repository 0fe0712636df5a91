import Foundation

/// The decay chains that end in the lepton + hadronic-tau final state, shared by the processes:
/// `Z/H -> tau tau`, `W -> l nu` (directly or through a leptonic tau), `W -> tau nu` with a
/// hadronic tau, and `W -> q q'` with a quark jet taken for a hadronic tau.
///
/// Each step measures its visible product at once and returns false as soon as the candidate
/// cannot pass the ``Detector``'s selection, so rejected candidates cost as little as possible.
/// On success the step has set the lepton or the tau of the ``CandidateEvent``, added its
/// neutrinos to the invisible momentum and appended any extra quark jet.
struct DecayChain: Sendable {
    let detector: Detector
    /// ``Detector/leptonEnergyFloor()``, computed once.
    let leptonEnergyFloor: Double

    /// W mass and width (GeV), PDG 2024; the line shape is cut at 10 widths.
    static let wLineShape = BreitWigner(mass: 80.369, width: 2.085, halfWidths: 10)

    init(detector: Detector) {
        self.detector = detector
        leptonEnergyFloor = detector.leptonEnergyFloor()
    }

    /// A tau-lepton pair from `boson` (of mass `mass`); the first tau decays to a lepton, the
    /// second to hadrons. (Both decays are symmetric under exchanging the taus, so fixing the
    /// roles loses nothing.)
    @inline(__always)
    func tauPair(from boson: FourMomentum, mass: Double, angles: BosonProduction.DecayAngles,
                 _ event: inout CandidateEvent, _ rng: inout SeededGenerator) -> Bool {
        var n = rng.nextUnitVector()
        if angles == .vector {
            while 2 * rng.nextUnitDouble() >= 1 + n.z * n.z { n = rng.nextUnitVector() }
        }
        let (tau1, tau2) = boson.twoBodyDecay(mass: mass, into: TauDecay.mass, TauDecay.mass, direction: n)
        return leptonicTau(tau1, &event, &rng) && hadronicTau(tau2, &event, &rng)
    }

    /// The lepton of a leptonic tau decay.
    @inline(__always)
    func leptonicTau(_ tau: FourMomentum, _ event: inout CandidateEvent, _ rng: inout SeededGenerator) -> Bool {
        let electron = rng.nextUnitDouble() < TauDecay.electronFraction
        guard let lepton = TauDecay.leptonic(tau, minimumEnergy: leptonEnergyFloor, &rng),
              let measured = detector.measureLepton(lepton, electron: electron, &rng) else { return false }
        event.lepton = measured
        event.addInvisible(tau - lepton)
        return true
    }

    /// The visible system of a hadronic tau decay, taken as the hadronic tau.
    @inline(__always)
    func hadronicTau(_ tau: FourMomentum, _ event: inout CandidateEvent, _ rng: inout SeededGenerator) -> Bool {
        let visible = TauDecay.hadronic(tau, &rng)
        guard let measured = detector.measureTau(visible, &rng) else { return false }
        event.tau = measured
        event.addInvisible(tau - visible)
        return true
    }

    /// `W -> l nu` (e or mu, equally), or with probability `viaTau` `W -> tau nu, tau -> l nu nu`.
    @inline(__always)
    func leptonicW(_ w: FourMomentum, mass: Double, viaTau: Double,
                   _ event: inout CandidateEvent, _ rng: inout SeededGenerator) -> Bool {
        let n = rng.nextUnitVector()
        if rng.nextUnitDouble() < viaTau {
            let (tau, nu) = w.twoBodyDecay(mass: mass, into: TauDecay.mass, 0, direction: n)
            guard leptonicTau(tau, &event, &rng) else { return false }
            event.addInvisible(nu)
            return true
        }
        let electron = rng.nextUnitDouble() < 0.5
        let (lepton, nu) = w.twoBodyDecay(mass: mass, into: 0, 0, direction: n)
        guard let measured = detector.measureLepton(lepton, electron: electron, &rng) else { return false }
        event.lepton = measured
        event.addInvisible(nu)
        return true
    }

    /// `W -> tau nu` with a hadronic tau, or with probability `fake` `W -> q q'` with the first
    /// quark's jet taken for the hadronic tau and the second appended as a jet.
    @inline(__always)
    func hadronicW(_ w: FourMomentum, mass: Double, fake: Double,
                   _ event: inout CandidateEvent, _ rng: inout SeededGenerator) -> Bool {
        let n = rng.nextUnitVector()
        if rng.nextUnitDouble() < fake {
            let (q1, q2) = w.twoBodyDecay(mass: mass, into: 0, 0, direction: n)
            guard let measured = detector.measureTau(q1, &rng) else { return false }
            event.tau = measured
            event.jets.append(TruthJet(q2))
            return true
        }
        let (tau, nu) = w.twoBodyDecay(mass: mass, into: TauDecay.mass, 0, direction: n)
        guard hadronicTau(tau, &event, &rng) else { return false }
        event.addInvisible(nu)
        return true
    }
}
