import Foundation

/// A relativistic four-momentum `(E, px, py, pz)` in GeV, the z axis along the beam.
///
/// The simulator builds every particle as a four-momentum and moves it between frames with
/// ``boosted(fromRestFrameOf:parentMass:)``; pseudorapidity and azimuth are computed only for the
/// objects a detector records.
/// ```
/// pt  = sqrt(px^2 + py^2)
/// eta = asinh(pz / pt)                      (pseudorapidity)
/// y   = (1/2) ln((E + pz) / (E - pz))       (rapidity)
/// m   = sqrt(max(0, E^2 - |p|^2))
/// ```
public struct FourMomentum: Sendable, Equatable {
    public var e: Double
    public var px: Double
    public var py: Double
    public var pz: Double

    @inline(__always)
    public init(e: Double, px: Double, py: Double, pz: Double) {
        self.e = e; self.px = px; self.py = py; self.pz = pz
    }

    /// The zero vector.
    public static let zero = FourMomentum(e: 0, px: 0, py: 0, pz: 0)

    /// A particle of mass `mass` with transverse momentum `(px, py)` and rapidity `rapidity`:
    /// ```
    /// mT = sqrt(m^2 + pt^2),  E = mT cosh(y),  pz = mT sinh(y)
    /// ```
    @inline(__always)
    public init(mass: Double, px: Double, py: Double, rapidity: Double) {
        let mt = (mass * mass + px * px + py * py).squareRoot()
        let ey = exp(rapidity)
        self.init(e: mt * 0.5 * (ey + 1 / ey), px: px, py: py, pz: mt * 0.5 * (ey - 1 / ey))
    }

    /// A particle of mass `mass` with transverse momentum `(px, py)` and no longitudinal
    /// momentum (a hard system in its transverse frame): `E = sqrt(m^2 + pt^2)`.
    @inline(__always)
    public init(mass: Double, px: Double, py: Double) {
        self.init(e: (mass * mass + px * px + py * py).squareRoot(), px: px, py: py, pz: 0)
    }

    /// Squared transverse momentum.
    @inline(__always) public var pt2: Double { px * px + py * py }
    /// Transverse momentum.
    @inline(__always) public var pt: Double { pt2.squareRoot() }
    /// Squared momentum `|p|^2`.
    @inline(__always) public var p2: Double { px * px + py * py + pz * pz }
    /// Momentum `|p|`.
    @inline(__always) public var p: Double { p2.squareRoot() }
    /// Invariant mass (zero for a space-like rounding residue).
    @inline(__always) public var mass: Double { max(0, e * e - p2).squareRoot() }

    /// Pseudorapidity `asinh(pz / pt)`; +-inf along the beam.
    @inline(__always) public var eta: Double { asinh(pz / pt) }

    /// Azimuth in [-pi, pi].
    @inline(__always) public var phi: Double { atan2(py, px) }

    /// Rapidity `(1/2) ln((E + pz) / (E - pz))`.
    public var rapidity: Double { 0.5 * log((e + pz) / (e - pz)) }

    @inline(__always)
    public static func + (a: FourMomentum, b: FourMomentum) -> FourMomentum {
        FourMomentum(e: a.e + b.e, px: a.px + b.px, py: a.py + b.py, pz: a.pz + b.pz)
    }

    @inline(__always)
    public static func - (a: FourMomentum, b: FourMomentum) -> FourMomentum {
        FourMomentum(e: a.e - b.e, px: a.px - b.px, py: a.py - b.py, pz: a.pz - b.pz)
    }

    /// A boost along the beam axis by rapidity `y` (`cosh y`, `sinh y` kept).
    ///
    /// Transverse momenta do not change, and the rapidity of every particle grows by `y`.
    public struct LongitudinalBoost: Sendable, Equatable {
        public let cosh: Double
        public let sinh: Double

        @inline(__always)
        public init(rapidity y: Double) {
            self.init(rapidity: y, .shared)
        }

        /// The boost by rapidity `y`, with the simulator's tables at hand.
        @inline(__always)
        init(rapidity y: Double, _ math: SimulatorMath) {
            let ey = math.exp(y)
            cosh = 0.5 * (ey + 1 / ey)
            sinh = 0.5 * (ey - 1 / ey)
        }
    }

    /// This momentum boosted along the beam:
    /// ```
    /// E' = E cosh y + pz sinh y,   pz' = pz cosh y + E sinh y
    /// ```
    @inline(__always)
    public func boosted(along b: LongitudinalBoost) -> FourMomentum {
        FourMomentum(e: e * b.cosh + pz * b.sinh, px: px, py: py, pz: pz * b.cosh + e * b.sinh)
    }

    /// This momentum, given in the rest frame of `parent`, seen in the frame where `parent` has
    /// its own momentum (a pure Lorentz boost along `parent`'s momentum):
    /// ```
    /// E'  = (E_P E + P . p) / M
    /// p'  = p + P ((P . p) / (M (E_P + M)) + E / M)
    /// ```
    /// with `M` the parent's mass, passed in because the caller knows it exactly (recomputing it
    /// from `E^2 - |P|^2` loses digits for fast parents).
    @inline(__always)
    public func boosted(fromRestFrameOf parent: FourMomentum, parentMass m: Double) -> FourMomentum {
        let dot = parent.px * px + parent.py * py + parent.pz * pz
        let f = dot / (m * (parent.e + m)) + e / m
        return FourMomentum(e: (parent.e * e + dot) / m,
                            px: px + f * parent.px, py: py + f * parent.py, pz: pz + f * parent.pz)
    }
}
