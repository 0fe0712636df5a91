import Foundation

/// Decays of the tau lepton: to a light lepton and two neutrinos, or to hadrons and a neutrino.
///
/// Both decays are generated in the tau rest frame and boosted along the tau's momentum, so the
/// visible share of the tau's energy and the opening angle follow the decay kinematics exactly.
/// Masses of the light leptons are neglected (at most 0.1 GeV against a 1.78 GeV tau).
///
/// Leptonic, `tau -> l nu nu`: the lepton energy fraction `x = 2 E* / m_tau` has the spectrum of
/// an unpolarised tau (V-A, massless lepton), with an isotropic direction:
/// ```
/// dGamma/dx = 6 x^2 - 4 x^3 = 2 x^2 (3 - 2 x),   0 <= x <= 1
/// ```
/// Hadronic, `tau -> h nu`: a two-body decay into a visible hadronic system of mass `m_h` and a
/// massless neutrino:
/// ```
/// p* = (m_tau^2 - m_h^2) / (2 m_tau)
/// ```
/// with `m_h` the pion mass (`pi`, `K`), or drawn from the line shape of the rho (`pi pi0`), the
/// a1 (`3 pi`, `pi 2 pi0`) or a broad higher state (four and more pions), in the proportions of
/// the measured branching fractions (PDG 2024) among the hadronic decays.
///
/// Not modelled: tau polarisation and the spin correlation of tau pairs (they shift the
/// spectra by a few percent; the challenge's features do not resolve them).
public enum TauDecay {
    /// Tau mass (GeV), PDG 2024.
    public static let mass = 1.77686
    /// Charged-pion mass (GeV).
    public static let pionMass = 0.13957

    /// Branching fraction `tau -> e nu nu` (PDG 2024).
    public static let electronBranching = 0.1782
    /// Branching fraction `tau -> mu nu nu` (PDG 2024).
    public static let muonBranching = 0.1739

    /// One hadronic decay class: its branching fraction and its visible-mass line shape.
    struct HadronicMode: Sendable {
        var name: String
        var branching: Double
        /// nil: the visible system is a single pion.
        var lineShape: BreitWigner?
    }

    /// The hadronic decay classes (branching fractions PDG 2024; line shapes from the rho(770),
    /// a1(1260) and an effective four-pion state, cut to the kinematic range).
    static let hadronicModes: [HadronicMode] = [
        HadronicMode(name: "pi/K nu", branching: 0.1082 + 0.0070, lineShape: nil),
        HadronicMode(name: "rho nu", branching: 0.2549,
                     lineShape: BreitWigner(mass: 0.7753, width: 0.1491, lower: 2 * pionMass, upper: mass - 0.01)),
        HadronicMode(name: "a1 nu", branching: 0.0926 + 0.0899,
                     lineShape: BreitWigner(mass: 1.230, width: 0.420, lower: 3 * pionMass, upper: mass - 0.01)),
        HadronicMode(name: "4+ pions nu", branching: 0.6479 - 0.1152 - 0.2549 - 0.1825,
                     lineShape: BreitWigner(mass: 1.45, width: 0.40, lower: 4 * pionMass, upper: mass - 0.01)),
    ]

    /// Cumulative probabilities of ``hadronicModes`` (the last is 1).
    static let hadronicCumulative: [Double] = {
        let total = hadronicModes.reduce(0) { $0 + $1.branching }
        var sum = 0.0
        return hadronicModes.map { sum += $0.branching; return sum / total }
    }()

    /// The probability that a leptonic decay gives an electron (the rest give muons).
    public static let electronFraction = electronBranching / (electronBranching + muonBranching)

    /// The lepton of a leptonic decay of `tau`, or nil without drawing its direction when its
    /// lab-frame energy cannot reach `minimumEnergy`.
    ///
    /// The bound is exact: a massless daughter of rest-frame energy `E*` has at most
    /// `E* (E_tau + |p_tau|) / m_tau` in the lab.
    @inline(__always)
    static func leptonic(_ tau: FourMomentum, minimumEnergy: Double,
                         _ rng: inout SeededGenerator) -> FourMomentum? {
        // x ~ 2x^2(3 - 2x): propose the maximum of three uniforms (density 3x^2), accept with
        // probability (3 - 2x)/3 (overall acceptance 1/2).
        var x: Double
        repeat {
            x = max(rng.nextUnitDouble(), rng.nextUnitDouble(), rng.nextUnitDouble())
        } while 3 * rng.nextUnitDouble() >= 3 - 2 * x
        let restEnergy = x * mass / 2
        if restEnergy * (tau.e + tau.p) / mass < minimumEnergy { return nil }
        let n = rng.nextUnitVector()
        let rest = FourMomentum(e: restEnergy, px: restEnergy * n.x, py: restEnergy * n.y, pz: restEnergy * n.z)
        return rest.boosted(fromRestFrameOf: tau, parentMass: mass)
    }

    /// The visible hadronic system of a hadronic decay of `tau`.
    @inline(__always)
    static func hadronic(_ tau: FourMomentum, _ rng: inout SeededGenerator) -> FourMomentum {
        let u = rng.nextUnitDouble()
        var visibleMass = pionMass
        for (i, c) in hadronicCumulative.enumerated() where u < c {
            if let shape = hadronicModes[i].lineShape { visibleMass = shape.sample(&rng) }
            break
        }
        let m2 = visibleMass * visibleMass
        let pStar = (mass * mass - m2) / (2 * mass)
        let eStar = (mass * mass + m2) / (2 * mass)
        let n = rng.nextUnitVector()
        let rest = FourMomentum(e: eStar, px: pStar * n.x, py: pStar * n.y, pz: pStar * n.z)
        return rest.boosted(fromRestFrameOf: tau, parentMass: mass)
    }
}
