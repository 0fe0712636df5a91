import Foundation

/// Decays of the tau lepton: to a light lepton and two neutrinos, or to hadrons and a neutrino.
///
/// Both decays are generated in the tau rest frame and boosted along the tau's momentum, so the
/// visible share of the tau's energy and the opening angle follow the decay kinematics exactly.
/// The daughter's direction is drawn as a polar cosine about the tau's flight and an azimuth
/// around it (``FlightFrame``), the azimuth only once the cosine leaves the candidate a chance.
/// Masses of the light leptons are neglected (at most 0.1 GeV against a 1.78 GeV tau).
///
/// Leptonic, `tau -> l nu nu`: the lepton energy fraction `x = 2 E* / m_tau` has the spectrum of
/// an unpolarised tau (V-A, massless lepton), with an isotropic direction:
/// ```
/// dGamma/dx = 6 x^2 - 4 x^3,   F(x) = 2 x^3 - x^4,   0 <= x <= 1
/// ```
/// drawn by inverting `F`: a 1024-node table of `F^-1` interpolated linearly, refined by one
/// Newton step (error below 1e-10 for x > 0.05).
///
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
public struct TauDecay: @unchecked Sendable {   // its tables are immutable
    /// Tau mass (GeV), PDG 2024.
    public static let mass = 1.77686
    /// Charged-pion mass (GeV).
    public static let pionMass = 0.13957

    /// Branching fraction `tau -> e nu nu` (PDG 2024).
    public static let electronBranching = 0.1782
    /// Branching fraction `tau -> mu nu nu` (PDG 2024).
    public static let muonBranching = 0.1739

    /// The probability that a leptonic decay gives an electron (the rest give muons).
    public static let electronFraction = electronBranching / (electronBranching + muonBranching)

    /// One hadronic decay class: its branching fraction and its visible-mass line shape.
    public struct HadronicMode: Sendable {
        public var name: String
        public var branching: Double
        /// nil: the visible system is a single pion.
        public var lineShape: BreitWigner?
    }

    /// The hadronic decay classes (branching fractions PDG 2024; line shapes of the rho(770),
    /// the a1(1260) and an effective four-pion state, cut to the kinematic range).
    public static let hadronicModes: [HadronicMode] = [
        HadronicMode(name: "pi/K nu", branching: 0.1082 + 0.0070, lineShape: nil),
        HadronicMode(name: "rho nu", branching: 0.2549,
                     lineShape: BreitWigner(mass: 0.7753, width: 0.1491, lower: 2 * pionMass, upper: mass - 0.01)),
        HadronicMode(name: "a1 nu", branching: 0.0926 + 0.0899,
                     lineShape: BreitWigner(mass: 1.230, width: 0.420, lower: 3 * pionMass, upper: mass - 0.01)),
        HadronicMode(name: "4+ pions nu", branching: 0.6479 - 0.1152 - 0.2549 - 0.1825,
                     lineShape: BreitWigner(mass: 1.45, width: 0.40, lower: 4 * pionMass, upper: mass - 0.01)),
    ]

    // The hot path's copies of the tables: plain stored values, no reference counting.
    private let rho: BreitWigner, a1: BreitWigner, heavy: BreitWigner
    private let cumulativePion: Double, cumulativeRho: Double, cumulativeA1: Double
    /// `F^-1` at `u = k / 1024`, k = 0...1024 (shared, never freed: the hot loop reads it
    /// without reference counting or bounds checks).
    private let inverseTable: UnsafePointer<Double>

    public init() {
        let modes = TauDecay.hadronicModes
        let total = modes.reduce(0) { $0 + $1.branching }
        cumulativePion = modes[0].branching / total
        cumulativeRho = cumulativePion + modes[1].branching / total
        cumulativeA1 = cumulativeRho + modes[2].branching / total
        rho = modes[1].lineShape!; a1 = modes[2].lineShape!; heavy = modes[3].lineShape!
        inverseTable = TauDecay.sharedInverseTable
    }

    static let tableSize = 1024

    /// `F^-1` at the table's nodes, by bisection of `F(x) = u` (F increases on [0, 1]); computed
    /// once per process.
    private static let sharedInverseTable: UnsafePointer<Double> = {
        let values = sharedInverseValues
        let table = UnsafeMutablePointer<Double>.allocate(capacity: values.count)
        table.initialize(from: values, count: values.count)
        return UnsafePointer(table)
    }()

    private static let sharedInverseValues: [Double] = (0...tableSize).map { k in
        let u = Double(k) / Double(tableSize)
        var lo = 0.0, hi = 1.0
        for _ in 0..<60 {
            let mid = (lo + hi) / 2
            if 2 * mid * mid * mid - mid * mid * mid * mid < u { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// A lepton energy fraction `x` from a uniform `u` in [0, 1), whose table interval is `k`
    /// (`k = floor(1024 u)`; see the type's documentation).
    @inline(__always)
    private func leptonEnergyFraction(_ u: Double, interval k: Int) -> Double {
        let f = u * Double(TauDecay.tableSize) - Double(k)
        let table = inverseTable
        let x0 = max(0.01, table[k] + f * (table[k + 1] - table[k]))
        let x2 = x0 * x0
        // One Newton step on F(x) - u = 2x^3 - x^4 - u, F'(x) = 6x^2 - 4x^3.
        return min(1, x0 - (2 * x2 * x0 - x2 * x2 - u) / (6 * x2 - 4 * x2 * x0))
    }

    /// A lepton energy fraction `x` from a uniform `u` in [0, 1).
    @inline(__always)
    func leptonEnergyFraction(_ u: Double) -> Double {
        leptonEnergyFraction(u, interval: min(TauDecay.tableSize - 1, Int(u * Double(TauDecay.tableSize))))
    }

    /// A lepton energy fraction `x` from 32 random bits (`u = (b + 1/2) 2^-32`, whose table
    /// interval is the top 10 bits).
    @inline(__always)
    func leptonEnergyFraction(bits: UInt32) -> Double {
        leptonEnergyFraction(SeededGenerator.openUnit(bits), interval: Int(bits >> 22))
    }

    /// A lepton energy fraction `x` (one draw).
    @inline(__always)
    func leptonEnergyFraction(_ rng: inout SeededGenerator) -> Double {
        leptonEnergyFraction(rng.nextUnitDouble())
    }

    /// A daughter in the tau's rest frame before its azimuth about the tau's flight is drawn:
    /// its energy, momentum and polar cosine (``FlightFrame``).
    struct RestFrameDaughter {
        var energy: Double
        var momentum: Double
        var cos: Double
        /// `sqrt(1 - cos^2)`.
        var sin: Double

        @inline(__always)
        init(energy: Double, momentum: Double, cos: Double) {
            self.energy = energy; self.momentum = momentum; self.cos = cos
            sin = max(0, 1 - cos * cos).squareRoot()
        }

        /// Whether its transverse momentum in `frame` can exceed `floor` (``FlightFrame/mayExceed(_:eStar:pStar:c:s:)``).
        @inline(__always)
        func mayExceed(_ floor: Double, in frame: FlightFrame) -> Bool {
            frame.mayExceed(floor, eStar: energy, pStar: momentum, c: cos, s: sin)
        }

        /// The daughter in `frame`'s parent frame, its azimuth drawn from `rng`.
        @inline(__always)
        func boosted(in frame: FlightFrame, _ rng: inout SeededGenerator, _ math: SimulatorMath) -> FourMomentum {
            let (cosPsi, sinPsi) = rng.nextAzimuth(math)
            return frame.daughter(eStar: energy, pStar: momentum, c: cos, s: sin, cosPsi: cosPsi, sinPsi: sinPsi)
        }
    }

    /// The lepton of a leptonic decay in the tau's rest frame, before its azimuth (one draw: the
    /// energy fraction from 32 bits, the polar cosine from the other 32).
    @inline(__always)
    func leptonicDaughter(_ rng: inout SeededGenerator) -> RestFrameDaughter {
        leptonicDaughter(bits: rng.next())
    }

    /// ``leptonicDaughter(_:)`` from the 64 bits of its draw.
    @inline(__always)
    func leptonicDaughter(bits: UInt64) -> RestFrameDaughter {
        let energy = leptonEnergyFraction(bits: UInt32(truncatingIfNeeded: bits >> 32)) * TauDecay.mass / 2
        return RestFrameDaughter(energy: energy, momentum: energy, cos: SeededGenerator.signedUnit(UInt32(truncatingIfNeeded: bits)))
    }

    /// The visible hadronic system of a hadronic decay in the tau's rest frame, before its
    /// azimuth: the decay class and the polar cosine from one draw, the visible mass from the
    /// class's line shape (one more draw unless it is a pion).
    @inline(__always)
    func hadronicDaughter(_ rng: inout SeededGenerator, _ math: SimulatorMath) -> RestFrameDaughter {
        let (high, low) = rng.nextHalves()
        let u = SeededGenerator.openUnit(high)
        let visibleMass: Double
        if u < cumulativePion {
            visibleMass = TauDecay.pionMass
        } else if u < cumulativeRho {
            visibleMass = rho.sample(&rng, math)
        } else if u < cumulativeA1 {
            visibleMass = a1.sample(&rng, math)
        } else {
            visibleMass = heavy.sample(&rng, math)
        }
        let m = TauDecay.mass
        let m2 = visibleMass * visibleMass
        return RestFrameDaughter(energy: (m * m + m2) / (2 * m), momentum: (m * m - m2) / (2 * m),
                                 cos: SeededGenerator.signedUnit(low))
    }

    /// The lepton of a leptonic decay of `tau`, or nil without drawing its azimuth when its
    /// energy cannot reach `minimumEnergy`.
    ///
    /// The bound is exact: a massless daughter of rest-frame energy `E*` has at most
    /// `E* (E_tau + |p_tau|) / m_tau`.
    func leptonic(_ tau: FourMomentum, minimumEnergy: Double, _ rng: inout SeededGenerator) -> FourMomentum? {
        let lepton = leptonicDaughter(&rng)
        if lepton.energy * (tau.e + tau.p) / TauDecay.mass < minimumEnergy { return nil }
        return lepton.boosted(in: FlightFrame(tau, mass: TauDecay.mass), &rng, .shared)
    }

    /// The visible hadronic system of a hadronic decay of `tau`.
    func hadronic(_ tau: FourMomentum, _ rng: inout SeededGenerator) -> FourMomentum {
        hadronicDaughter(&rng, .shared).boosted(in: FlightFrame(tau, mass: TauDecay.mass), &rng, .shared)
    }
}
