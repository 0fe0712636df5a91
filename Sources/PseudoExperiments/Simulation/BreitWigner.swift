import Foundation

/// A resonance line shape: the (non-relativistic) Breit-Wigner distribution of a mass, truncated
/// to a window.
///
/// ```
/// m = M + (G/2) t,   t ~ Cauchy(0, 1) truncated to [t_lo, t_hi] = [(lo - M) / (G/2), (hi - M) / (G/2)]
/// ```
/// drawn by inverting its distribution function, one uniform and no rejection:
/// ```
/// t = tan(a + (b - a) u),   a = atan(t_lo),  b = atan(t_hi),  u uniform in [0, 1)
/// ```
/// (``SimulatorMath/tan(_:)``). The window keeps masses physical (a rho above two pions and
/// below the tau mass, a W below its top) and cuts the Cauchy tails, which have no mean.
public struct BreitWigner: Sendable, Equatable {
    /// Pole mass `M` (GeV).
    public let mass: Double
    /// Full width `G` (GeV).
    public let width: Double
    /// The window `[lo, hi]`.
    public let lower: Double, upper: Double
    /// `atan` of the window's ends in units of `G/2`.
    private let angleLower: Double, angleUpper: Double

    public init(mass: Double, width: Double, lower: Double, upper: Double) {
        precondition(width > 0 && lower < upper && lower <= mass && mass <= upper,
                     "invalid Breit-Wigner: mass \(mass), width \(width), window [\(lower), \(upper)]")
        self.mass = mass; self.width = width; self.lower = lower; self.upper = upper
        angleLower = atan((lower - mass) / (width / 2))
        angleUpper = atan((upper - mass) / (width / 2))
        precondition(max(-angleLower, angleUpper) < Double.pi / 2 - 1e-3,
                     "Breit-Wigner window [\(lower), \(upper)] reaches over 1000 half-widths from the pole \(mass)")
    }

    /// A window of `halfWidths` widths on each side of the pole, cut at `floor` from below.
    public init(mass: Double, width: Double, halfWidths: Double, floor: Double = 0) {
        self.init(mass: mass, width: width,
                  lower: max(floor, mass - halfWidths * width), upper: mass + halfWidths * width)
    }

    /// One mass (one draw).
    public func sample(_ rng: inout SeededGenerator) -> Double {
        sample(&rng, .shared)
    }

    /// One mass, with the simulator's tables at hand.
    @inline(__always)
    func sample(_ rng: inout SeededGenerator, _ math: SimulatorMath) -> Double {
        sample(uniform: rng.nextUnitDouble(), math)
    }

    /// One mass from 32 random bits (`u = (b + 1/2) 2^-32`: a resolution of `2^-32` in the angle,
    /// below 1e-5 GeV in the mass for every line shape of the simulator).
    @inline(__always)
    func sample(bits: UInt32, _ math: SimulatorMath) -> Double {
        sample(uniform: SeededGenerator.openUnit(bits), math)
    }

    @inline(__always)
    private func sample(uniform u: Double, _ math: SimulatorMath) -> Double {
        let t = math.tan(angleLower + (angleUpper - angleLower) * u)
        return min(upper, max(lower, mass + width / 2 * t))
    }
}
