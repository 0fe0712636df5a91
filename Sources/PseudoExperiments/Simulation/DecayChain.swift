import Foundation

/// The decay chains that end in the lepton + hadronic-tau final state, shared by the processes:
/// `Z/H -> tau tau`, `W -> l nu` (directly or through a leptonic tau), `W -> tau nu` with a
/// hadronic tau, and `W -> q q'` with a quark jet taken for a hadronic tau.
///
/// Decays are generated in the *transverse frame*: the frame, moving along the beam, in which
/// the hard system has no longitudinal momentum. The lab is reached by a boost along the beam
/// by the system's rapidity `y` (``LazyRapidity``), which leaves transverse momenta unchanged:
/// ```
/// lab = L_z(y) transverse,   system in the transverse frame = (sqrt(m^2 + pT^2), pT, 0)
/// ```
/// So the pt cuts can be tested before `y` is drawn and before the lab-frame momentum is
/// computed, and each step returns false as soon as the candidate cannot pass the ``Detector``'s
/// selection, which keeps rejected candidates cheap. On success a step has set the lepton or
/// the tau of the ``CandidateEvent``, added its neutrinos to the invisible momentum and appended
/// any extra quark jet.
struct DecayChain: Sendable {
    let detector: Detector
    let limits: Detector.Limits
    let taus = TauDecay()

    /// W mass and width (GeV), PDG 2024; the line shape is cut at 10 widths.
    static let wLineShape = BreitWigner(mass: 80.369, width: 2.085, halfWidths: 10)

    init(detector: Detector) {
        self.detector = detector
        limits = detector.limits()
    }

    /// The hard system's rapidity, drawn when a candidate first needs it (`N(0, width)`).
    struct LazyRapidity {
        let width: Double
        private var drawn: FourMomentum.LongitudinalBoost?

        init(width: Double) { self.width = width }

        @inline(__always)
        mutating func boost(_ rng: inout SeededGenerator) -> FourMomentum.LongitudinalBoost {
            if let drawn { return drawn }
            let b = FourMomentum.LongitudinalBoost(rapidity: width * rng.nextZigguratGaussian())
            drawn = b
            return b
        }
    }

    /// A tau-lepton pair from `boson` (of mass `mass`, transverse frame); the first tau decays
    /// to a lepton, the second to hadrons. (The decays are symmetric under exchanging the taus,
    /// so fixing the roles loses nothing.)
    @inline(__always)
    func tauPair(from boson: FourMomentum, mass: Double, angles: BosonProduction.DecayAngles,
                 _ event: inout CandidateEvent, _ rapidity: inout LazyRapidity,
                 _ rng: inout SeededGenerator) -> Bool {
        let n = angles == .vector ? rng.nextVectorBosonDirection() : rng.nextUnitVector()
        let (tau1, tau2) = boson.twoBodyDecay(mass: mass, into: TauDecay.mass, TauDecay.mass, direction: n)
        return leptonicTau(tau1, &event, &rapidity, &rng) && hadronicTau(tau2, &event, &rapidity, &rng)
    }

    /// The lepton of a leptonic decay of `tau` (transverse frame).
    @inline(__always)
    func leptonicTau(_ tau: FourMomentum, _ event: inout CandidateEvent, _ rapidity: inout LazyRapidity,
                     _ rng: inout SeededGenerator) -> Bool {
        guard let lepton = taus.leptonic(tau, minimumEnergy: limits.leptonEnergyFloor, &rng),
              measureLepton(lepton, electronFraction: TauDecay.electronFraction, &event, &rapidity, &rng)
        else { return false }
        event.addInvisible(tau - lepton)
        return true
    }

    /// The visible system of a hadronic decay of `tau` (transverse frame), taken as the tau.
    @inline(__always)
    func hadronicTau(_ tau: FourMomentum, _ event: inout CandidateEvent, _ rapidity: inout LazyRapidity,
                     _ rng: inout SeededGenerator) -> Bool {
        let visible = taus.hadronic(tau, &rng)
        guard measureTau(visible, &event, &rapidity, &rng) else { return false }
        event.addInvisible(tau - visible)
        return true
    }

    /// `W -> l nu` (e or mu, equally), or with probability `viaTau` `W -> tau nu, tau -> l nu nu`.
    @inline(__always)
    func leptonicW(_ w: FourMomentum, mass: Double, viaTau: Double, _ event: inout CandidateEvent,
                   _ rapidity: inout LazyRapidity, _ rng: inout SeededGenerator) -> Bool {
        let n = rng.nextUnitVector()
        if rng.nextUnitDouble() < viaTau {
            let (tau, nu) = w.twoBodyDecay(mass: mass, into: TauDecay.mass, 0, direction: n)
            guard leptonicTau(tau, &event, &rapidity, &rng) else { return false }
            event.addInvisible(nu)
            return true
        }
        let (lepton, nu) = w.twoBodyDecay(mass: mass, into: 0, 0, direction: n)
        guard measureLepton(lepton, electronFraction: 0.5, &event, &rapidity, &rng) else { return false }
        event.addInvisible(nu)
        return true
    }

    /// `W -> tau nu` with a hadronic tau, or with probability `fake` `W -> q q'` with the first
    /// quark's jet taken for the hadronic tau and the second appended as a jet.
    @inline(__always)
    func hadronicW(_ w: FourMomentum, mass: Double, fake: Double, _ event: inout CandidateEvent,
                   _ rapidity: inout LazyRapidity, _ rng: inout SeededGenerator) -> Bool {
        let n = rng.nextUnitVector()
        if rng.nextUnitDouble() < fake {
            let (q1, q2) = w.twoBodyDecay(mass: mass, into: 0, 0, direction: n)
            guard measureTau(q1, &event, &rapidity, &rng) else { return false }
            appendJet(q2, &event, &rapidity, &rng)
            return true
        }
        let (tau, nu) = w.twoBodyDecay(mass: mass, into: TauDecay.mass, 0, direction: n)
        guard hadronicTau(tau, &event, &rapidity, &rng) else { return false }
        event.addInvisible(nu)
        return true
    }

    /// Appends the jet of a quark (transverse frame).
    @inline(__always)
    func appendJet(_ quark: FourMomentum, _ event: inout CandidateEvent, _ rapidity: inout LazyRapidity,
                   _ rng: inout SeededGenerator) {
        event.jets.append(TruthJet(quark.boosted(along: rapidity.boost(&rng))))
    }

    /// Measures a lepton given in the transverse frame: the pt floor first, then its flavour
    /// (an electron with probability `electronFraction`) and the lab frame.
    @inline(__always)
    private func measureLepton(_ lepton: FourMomentum, electronFraction: Double, _ event: inout CandidateEvent,
                               _ rapidity: inout LazyRapidity, _ rng: inout SeededGenerator) -> Bool {
        guard lepton.pt2 > limits.leptonEnergyFloor * limits.leptonEnergyFloor else { return false }
        let electron = rng.nextUnitDouble() < electronFraction
        let lab = lepton.boosted(along: rapidity.boost(&rng))
        guard let measured = detector.measureLepton(lab, electron: electron, limits, &rng) else { return false }
        event.lepton = measured
        return true
    }

    /// Measures a hadronic tau given in the transverse frame: the pt ceiling first, then the lab.
    @inline(__always)
    private func measureTau(_ visible: FourMomentum, _ event: inout CandidateEvent,
                            _ rapidity: inout LazyRapidity, _ rng: inout SeededGenerator) -> Bool {
        guard detector.tauMayPass(pt: visible.pt, limits) else { return false }
        let lab = visible.boosted(along: rapidity.boost(&rng))
        guard let measured = detector.measureTau(lab, limits, &rng) else { return false }
        event.tau = measured
        return true
    }
}
