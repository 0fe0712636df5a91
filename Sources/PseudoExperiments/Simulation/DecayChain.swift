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
/// selection, which keeps rejected candidates cheap: a daughter's polar angle about its
/// parent's flight is drawn before its azimuth, and the bound it gives on the daughter's
/// transverse momentum (``FlightFrame``) is tested first; the lepton of a tau pair is bounded
/// even before the pair's decay angles (``leptonMayPass(_:fromTauPairOf:)``). The bounds are
/// exact inequalities, so they never reject a candidate the full measurement would keep. On success a step has set the lepton or
/// the tau of the ``CandidateEvent``, added its neutrinos to the invisible momentum and appended
/// any extra quark jet.
struct DecayChain: Sendable {
    let detector: Detector
    let limits: Detector.Limits
    let taus = TauDecay()
    /// The simulator's function tables (a copy of ``SimulatorMath/shared``).
    let math = SimulatorMath.shared

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
        mutating func boost(_ rng: inout SeededGenerator, _ math: SimulatorMath) -> FourMomentum.LongitudinalBoost {
            if let drawn { return drawn }
            let b = FourMomentum.LongitudinalBoost(rapidity: width * rng.nextZigguratGaussian(), math)
            drawn = b
            return b
        }
    }

    /// A tau-lepton pair from `boson` (of mass `mass`); the first tau decays to a lepton, the
    /// second to hadrons. (The decays are symmetric under exchanging the taus, so fixing the
    /// roles loses nothing.)
    ///
    /// The lepton's rest-frame energy `e*` and polar cosine `c` are drawn first, and tested
    /// against the largest transverse momentum any decay direction of the boson could give it.
    /// A tau of the pair has energy `E <= (E_B + P_B) / 2` (boson energy and momentum); since
    /// `E c + P` grows with `E` (`P <= E`), and `-(E c + P) <= E - P <= m_tau`, the lepton's
    /// transverse momentum (``FlightFrame``) is at most
    /// ```
    /// e* max((E_B + P_B) (1 + c) / (2 m_tau), 1) + e*
    /// ```
    /// Half the Z candidates fail this before their decay angles are drawn (no division or
    /// square root on the way to the decision).
    @inline(__always)
    func tauPair(from boson: FourMomentum, mass: Double, angles: BosonProduction.DecayAngles,
                 _ event: inout CandidateEvent, _ rapidity: inout LazyRapidity,
                 _ rng: inout SeededGenerator) -> Bool {
        let lepton = taus.leptonicDaughter(&rng)
        guard leptonMayPass(lepton, fromTauPairOf: boson) else { return false }
        let (tau1, tau2) = tauPair(of: boson, mass: mass, angles: angles, &rng)
        return leptonicTau(tau1, lepton, &event, &rapidity, &rng) && hadronicTau(tau2, &event, &rapidity, &rng)
    }

    /// Whether a lepton of rest-frame energy and cosine `lepton`, from a tau of a pair from
    /// `boson`, can pass the selection whatever the decay angles (the bound of
    /// ``tauPair(from:mass:angles:_:_:_:)``).
    @inline(__always)
    func leptonMayPass(_ lepton: TauDecay.RestFrameDaughter, fromTauPairOf boson: FourMomentum) -> Bool {
        let halfSum = 0.5 * (boson.e + boson.p)
        let ceiling = lepton.energy * (max(halfSum * (1 + lepton.cos) * (1 / TauDecay.mass), 1) + 1)
        return ceiling * (1 + 1e-9) > limits.leptonEnergyFloor
    }

    /// The taus of `boson`'s decay (decay angles drawn from `rng`).
    @inline(__always)
    func tauPair(of boson: FourMomentum, mass: Double, angles: BosonProduction.DecayAngles,
                 _ rng: inout SeededGenerator) -> (FourMomentum, FourMomentum) {
        let n = angles == .vector ? rng.nextVectorBosonDirection(math) : rng.nextUnitVector(math)
        return boson.twoBodyDecay(mass: mass, into: TauDecay.mass, TauDecay.mass, direction: n)
    }

    /// The lepton of a leptonic decay of `tau` (transverse frame), its rest-frame energy and
    /// cosine already drawn (`lepton`).
    @inline(__always)
    func leptonicTau(_ tau: FourMomentum, _ lepton: TauDecay.RestFrameDaughter, _ event: inout CandidateEvent,
                     _ rapidity: inout LazyRapidity, _ rng: inout SeededGenerator) -> Bool {
        let frame = FlightFrame(tau, mass: TauDecay.mass)
        guard lepton.mayExceed(limits.leptonEnergyFloor, in: frame) else { return false }
        return leptonicTau(tau, frame, lepton, &event, &rapidity, &rng)
    }

    /// ``leptonicTau(_:_:_:_:_:)`` once the lepton's bound in the tau's `frame` has passed.
    @inline(__always)
    func leptonicTau(_ tau: FourMomentum, _ frame: FlightFrame, _ lepton: TauDecay.RestFrameDaughter,
                     _ event: inout CandidateEvent, _ rapidity: inout LazyRapidity, _ rng: inout SeededGenerator) -> Bool {
        let p = lepton.boosted(in: frame, &rng, math)
        guard measureLepton(p, electronFraction: TauDecay.electronFraction, &event, &rapidity, &rng) else { return false }
        event.addInvisible(tau - p)
        return true
    }

    /// The visible system of a hadronic decay of `tau` (transverse frame), taken as the tau.
    @inline(__always)
    func hadronicTau(_ tau: FourMomentum, _ event: inout CandidateEvent, _ rapidity: inout LazyRapidity,
                     _ rng: inout SeededGenerator) -> Bool {
        let daughter = taus.hadronicDaughter(&rng, math)
        let frame = FlightFrame(tau, mass: TauDecay.mass)
        guard daughter.mayExceed(limits.tauFloor, in: frame) else { return false }
        let visible = daughter.boosted(in: frame, &rng, math)
        guard measureTau(visible, &event, &rapidity, &rng) else { return false }
        event.addInvisible(tau - visible)
        return true
    }

    /// `W -> l nu` (e or mu, equally), or with probability `viaTau` `W -> tau nu, tau -> l nu nu`.
    @inline(__always)
    func leptonicW(_ w: FourMomentum, mass: Double, viaTau: Double, _ event: inout CandidateEvent,
                   _ rapidity: inout LazyRapidity, _ rng: inout SeededGenerator) -> Bool {
        let (high, low) = rng.nextHalves()
        let frame = FlightFrame(w, mass: mass)
        if SeededGenerator.openUnit(high) < viaTau {
            let tau = RestFrameDaughter(decayOf: mass, into: TauDecay.mass, cos: SeededGenerator.signedUnit(low))
                .boosted(in: frame, &rng, math)
            guard leptonicTau(tau, taus.leptonicDaughter(&rng), &event, &rapidity, &rng) else { return false }
            event.addInvisible(w - tau)
            return true
        }
        let daughter = RestFrameDaughter(decayOf: mass, into: 0, cos: SeededGenerator.signedUnit(low))
        guard daughter.mayExceed(limits.leptonEnergyFloor, in: frame) else { return false }
        let lepton = daughter.boosted(in: frame, &rng, math)
        guard measureLepton(lepton, electronFraction: 0.5, &event, &rapidity, &rng) else { return false }
        event.addInvisible(w - lepton)
        return true
    }

    /// `W -> tau nu` with a hadronic tau, or with probability `fake` `W -> q q'` with the first
    /// quark's jet taken for the hadronic tau and the second appended as a jet.
    @inline(__always)
    func hadronicW(_ w: FourMomentum, mass: Double, fake: Double, _ event: inout CandidateEvent,
                   _ rapidity: inout LazyRapidity, _ rng: inout SeededGenerator) -> Bool {
        let (high, low) = rng.nextHalves()
        let frame = FlightFrame(w, mass: mass)
        if SeededGenerator.openUnit(high) < fake {
            let daughter = RestFrameDaughter(decayOf: mass, into: 0, cos: SeededGenerator.signedUnit(low))
            guard daughter.mayExceed(limits.tauFloor, in: frame) else { return false }
            let q1 = daughter.boosted(in: frame, &rng, math)
            guard measureTau(q1, &event, &rapidity, &rng) else { return false }
            appendJet(w - q1, &event, &rapidity, &rng)
            return true
        }
        let tau = RestFrameDaughter(decayOf: mass, into: TauDecay.mass, cos: SeededGenerator.signedUnit(low))
            .boosted(in: frame, &rng, math)
        guard hadronicTau(tau, &event, &rapidity, &rng) else { return false }
        event.addInvisible(w - tau)
        return true
    }

    /// Appends the jet of a quark (transverse frame).
    @inline(__always)
    func appendJet(_ quark: FourMomentum, _ event: inout CandidateEvent, _ rapidity: inout LazyRapidity,
                   _ rng: inout SeededGenerator) {
        event.jets.append(TruthJet(quark.boosted(along: rapidity.boost(&rng, math)), math))
    }

    /// Measures a lepton given in the transverse frame: the pt floor first, then its flavour
    /// (an electron with probability `electronFraction`) and the lab frame.
    @inline(__always)
    private func measureLepton(_ lepton: FourMomentum, electronFraction: Double, _ event: inout CandidateEvent,
                               _ rapidity: inout LazyRapidity, _ rng: inout SeededGenerator) -> Bool {
        guard lepton.pt2 > limits.leptonEnergyFloor * limits.leptonEnergyFloor else { return false }
        let electron = rng.nextUnitDouble() < electronFraction
        let lab = lepton.boosted(along: rapidity.boost(&rng, math))
        guard let measured = detector.measureLepton(lab, electron: electron, limits, &rng) else { return false }
        event.lepton = measured
        return true
    }

    /// Measures a hadronic tau given in the transverse frame: the pt ceiling first, then the lab.
    @inline(__always)
    private func measureTau(_ visible: FourMomentum, _ event: inout CandidateEvent,
                            _ rapidity: inout LazyRapidity, _ rng: inout SeededGenerator) -> Bool {
        guard detector.tauMayPass(pt: visible.pt, limits) else { return false }
        let lab = visible.boosted(along: rapidity.boost(&rng, math))
        guard let measured = detector.measureTau(lab, limits, &rng) else { return false }
        event.tau = measured
        return true
    }
}

typealias RestFrameDaughter = TauDecay.RestFrameDaughter

extension TauDecay.RestFrameDaughter {
    /// The first daughter of a two-body decay of a parent of mass `parent` into `mass` and a
    /// massless particle, at polar cosine `cos` about the parent's flight:
    /// `e* = (M^2 + m^2) / 2M`, `p* = (M^2 - m^2) / 2M`.
    @inline(__always)
    init(decayOf parent: Double, into mass: Double, cos: Double) {
        let m2 = mass * mass, big = parent * parent
        self.init(energy: (big + m2) / (2 * parent), momentum: max(0, big - m2) / (2 * parent), cos: cos)
    }
}
